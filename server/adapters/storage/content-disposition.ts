// `Content-Disposition: attachment` with a safe file name: an ASCII `filename="…"` for every client
// and, when the name is not plain ASCII, an RFC 6266 / RFC 8187 `filename*=UTF-8''…` beside it.

/** Strips directory parts, control characters, quotes and backslashes; never returns an empty name. */
export function safeFileName(name: string, fallback = 'download'): string {
  const last = name.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = last.replace(/[\u0000-\u001f\u007f"]/g, '_').trim();
  const trimmed = cleaned.replace(/^\.+/, '');
  const limited = Array.from(trimmed).slice(0, 200).join('');
  return limited === '' ? fallback : limited;
}

export function attachmentDisposition(name: string): string {
  const safe = safeFileName(name);
  // ASCII fallback: non-ASCII characters and `%` (which some clients decode) become `_`.
  const ascii = safe.replace(/[^\x20-\x7e]|%/g, '_');
  if (ascii === safe) return `attachment; filename="${ascii}"`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc8187(safe)}`;
}

function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
