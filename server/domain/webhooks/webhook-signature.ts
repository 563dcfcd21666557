// Signing of webhook deliveries, and the verification helper receivers can copy.
//
//   X-Pixell-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
//
// The timestamp is the time of the delivery attempt (each retry is signed anew), so a receiver can
// refuse replays older than a tolerance (5 minutes by default).
import crypto from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Pixell-Signature';
export const EVENT_HEADER = 'X-Pixell-Event';
export const DELIVERY_HEADER = 'X-Pixell-Delivery';
export const WEBHOOK_USER_AGENT = 'PixellAgentCloud-Webhooks/1.0';

function hmacHex(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The X-Pixell-Signature header value for a raw body. */
export function signWebhookPayload(secret: string, rawBody: string | Buffer, timestampSeconds = Math.floor(Date.now() / 1000)): string {
  return `t=${timestampSeconds},v1=${hmacHex(secret, timestampSeconds, rawBody)}`;
}

/**
 * True when `header` carries a v1 signature of `rawBody` (the exact bytes received, before any JSON
 * parsing) made with `secret`, and its timestamp is within `toleranceSeconds` of now.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  rawBody: string | Buffer,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  if (!header) return false;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,15}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex');
  return signatures.some((s) => crypto.timingSafeEqual(expected, Buffer.from(s, 'hex')));
}

/** The body and headers of one delivery attempt. */
export function buildWebhookRequest(input: { deliveryId: string; event: string; body: string; secret: string; timestampSeconds: number }) {
  return {
    body: input.body,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': WEBHOOK_USER_AGENT,
      [EVENT_HEADER]: input.event,
      [DELIVERY_HEADER]: input.deliveryId,
      [SIGNATURE_HEADER]: signWebhookPayload(input.secret, input.body, input.timestampSeconds),
    },
  };
}
