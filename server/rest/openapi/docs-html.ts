// The HTML of /api/docs. Everything is served by this server (no CDN: many deployments have no
// internet access and the CSP allows only 'self' scripts): the Scalar reference from the installed
// `@scalar/api-reference` browser bundle, or a plain rendering of the document that needs no script.
import type { JsonSchema, OpenApiDocument } from './build-openapi.ts';

export const DOCS_ASSETS_PATH = '/api/docs/assets';

const esc = (s: unknown) =>
  String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** Minimal inline markdown of the descriptions: paragraphs, `code` and **bold**. */
function md(text: unknown): string {
  return String(text ?? '')
    .split(/\n{2,}/)
    .filter((p) => p.trim())
    .map(
      (p) =>
        `<p>${esc(p)
          .replace(/`([^`]+)`/g, '<code>$1</code>')
          .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')}</p>`,
    )
    .join('');
}

/** Pretty JSON of a schema with `$ref`s turned into links to the components section. */
function schemaHtml(schema: unknown): string {
  return `<pre class="schema">${esc(JSON.stringify(schema, null, 2)).replace(
    /&quot;#\/components\/(schemas|responses)\/([A-Za-z0-9_.-]+)&quot;/g,
    (_m, kind: string, name: string) => `&quot;<a href="#${kind}-${esc(name)}">#/components/${kind}/${esc(name)}</a>&quot;`,
  )}</pre>`;
}

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328;background:#fff}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{margin:0 0 4px} h2{margin-top:40px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px}
pre.schema{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px;overflow:auto;max-height:420px}
details.op{border:1px solid #d0d7de;border-radius:6px;margin:8px 0}
details.op>summary{cursor:pointer;padding:8px 12px;list-style:none;display:flex;gap:12px;align-items:baseline}
details.op>div{padding:0 12px 12px}
.m{font-weight:700;text-transform:uppercase;min-width:64px;font-family:ui-monospace,monospace}
.get{color:#0969da}.post{color:#1a7f37}.patch{color:#9a6700}.put{color:#8250df}.delete{color:#cf222e}
.path{font-family:ui-monospace,monospace}.sum{color:#57606a}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
nav a{margin-right:12px}
`;

export function basicReferenceHtml(doc: OpenApiDocument): string {
  const ops: Array<{ tag: string; method: string; path: string; op: JsonSchema }> = [];
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) ops.push({ tag: (op.tags as string[])[0], method, path: p, op });
  }
  const section = (tag: { name: string; description: string }) => {
    const items = ops.filter((o) => o.tag === tag.name);
    if (items.length === 0) return '';
    return `<h2 id="tag-${esc(tag.name)}">${esc(tag.name)}</h2>${md(tag.description)}${items.map(operationHtml).join('')}`;
  };
  const schemes = Object.entries(doc.components.securitySchemes)
    .map(([name, s]) => `<tr><td><code>${esc(name)}</code></td><td>${esc(s.type)}${s.in ? ` in ${esc(s.in)} <code>${esc(s.name)}</code>` : ''}${s.scheme ? ` ${esc(s.scheme)}` : ''}</td><td>${md(s.description)}</td></tr>`)
    .join('');
  const components = [
    ...Object.entries(doc.components.schemas).map(([name, s]) => `<h3 id="schemas-${esc(name)}">${esc(name)}</h3>${schemaHtml(s)}`),
    ...Object.entries(doc.components.responses).map(([name, s]) => `<h3 id="responses-${esc(name)}">${esc(name)} (response)</h3>${schemaHtml(s)}`),
  ].join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(doc.info.title)} reference</title><style>${STYLE}</style></head>
<body><main>
<h1>${esc(doc.info.title)}</h1>
<p>Version ${esc(doc.info.version)} · OpenAPI ${esc(doc.openapi)} · <a href="/api/openapi.json">openapi.json</a> · server <code>${esc(doc.servers[0]?.url)}</code></p>
<nav>${doc.tags.map((t) => `<a href="#tag-${esc(t.name)}">${esc(t.name)}</a>`).join('')}<a href="#components">Schemas</a></nav>
${md(doc.info.description)}
<h2>Security schemes</h2><table><tr><th>name</th><th>kind</th><th>what</th></tr>${schemes}</table>
${doc.tags.map(section).join('')}
<h2 id="components">Schemas</h2>${components}
</main></body></html>`;
}

function operationHtml(o: { method: string; path: string; op: JsonSchema }): string {
  const op = o.op;
  const params = (op.parameters as JsonSchema[] | undefined) ?? [];
  const paramRows = params
    .map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : ''}</td><td><code>${esc(JSON.stringify(p.schema))}</code>${md(p.description)}</td></tr>`)
    .join('');
  const body = op.requestBody as JsonSchema | undefined;
  const bodyHtml = body
    ? Object.entries(body.content as Record<string, { schema: unknown }>)
        .map(([ct, c]) => `<h4>Request body <code>${esc(ct)}</code></h4>${md(body.description)}${schemaHtml(c.schema)}`)
        .join('')
    : '';
  const responses = Object.entries(op.responses as Record<string, JsonSchema>)
    .map(([status, r]) => {
      if (typeof r.$ref === 'string') {
        const name = r.$ref.split('/').pop() ?? '';
        return `<tr><td>${esc(status)}</td><td><a href="#responses-${esc(name)}">${esc(name)}</a></td></tr>`;
      }
      const content = Object.entries((r.content ?? {}) as Record<string, { schema: unknown }>)
        .map(([ct, c]) => `<code>${esc(ct)}</code>${schemaHtml(c.schema)}`)
        .join('');
      return `<tr><td>${esc(status)}</td><td>${md(r.description)}${content}</td></tr>`;
    })
    .join('');
  const security = (op.security as Array<Record<string, string[]>>).map((s) => Object.keys(s).join(' + ') || 'none').join(' or ') || 'none';
  return `<details class="op" id="${esc(op.operationId)}"><summary><span class="m ${esc(o.method)}">${esc(o.method)}</span><span class="path">${esc(o.path)}</span><span class="sum">${esc(op.summary)}</span></summary><div>
${md(op.description)}<p>Security: <code>${esc(security)}</code> · operationId <code>${esc(op.operationId)}</code></p>
${paramRows ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr>${paramRows}</table>` : ''}
${bodyHtml}<h4>Responses</h4><table>${responses}</table></div></details>`;
}

/** The Scalar page: no inline script (the CSP allows only 'self' scripts), configured by init.js. */
export function scalarReferenceHtml(title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} reference</title></head>
<body><div id="api-reference-app"></div>
<noscript><p>This reference needs JavaScript: read <a href="/api/docs?ui=basic">the plain version</a> or <a href="/api/openapi.json">openapi.json</a>.</p></noscript>
<script src="${DOCS_ASSETS_PATH}/standalone.js"></script>
<script src="${DOCS_ASSETS_PATH}/init.js"></script>
</body></html>`;
}

/** Configures Scalar: the document of this server; no fonts, telemetry, AI agent or MCP generator from the internet. */
export const SCALAR_INIT_JS = `window.Scalar.createApiReference('#api-reference-app', {
  url: '/api/openapi.json',
  withDefaultFonts: false,
  telemetry: false,
  hideClientButton: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: 'never',
  metaData: { title: document.title },
});
`;
