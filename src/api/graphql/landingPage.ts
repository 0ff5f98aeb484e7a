/**
 * The offline landing page: one self-contained HTML document (no CDN, no external script, so
 * it works on an air-gapped cluster) with a query editor that posts to `/graphql`, and the
 * schema's SDL for reference. Its one inline script is allowed by hash in the CSP header.
 *
 * @module
 */
import { createHash } from 'node:crypto';

const exampleQuery = `{
  cluster {
    cpu: latest(name: "cpu/usage_rate") { timestamp value }
    memory: latest(name: "memory/usage") { value }
    namespaces(orderBy: { metric: "cpu/usage_rate" }, first: 5) {
      edges { orderValue node { name } }
    }
  }
}`;

const script = `
const form = document.getElementById('run');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const out = document.getElementById('result');
  let variables;
  try { variables = JSON.parse(document.getElementById('variables').value || '{}'); }
  catch (e) { out.textContent = 'Variables are not JSON: ' + e.message; return; }
  out.textContent = '…';
  const response = await fetch(location.pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: document.getElementById('query').value, variables }),
  });
  out.textContent = 'HTTP ' + response.status + '\\n' + JSON.stringify(await response.json(), null, 2);
});`;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The page and the headers to send it with. */
export interface LandingPageDocument {
  readonly html: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Builds the page for a schema's SDL. */
export function renderLandingPage(sdl: string): LandingPageDocument {
  const scriptHash = createHash('sha256').update(script).digest('base64');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Heapgraph GraphQL</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #222; }
textarea, pre { font: 13px ui-monospace, monospace; width: 100%; box-sizing: border-box; }
textarea { height: 14rem; } #variables { height: 3rem; }
pre { background: #f5f5f5; padding: .75rem; overflow: auto; max-height: 40rem; }
</style>
</head>
<body>
<h1>Heapgraph GraphQL</h1>
<p>POST queries to this URL; subscribe over WebSocket (graphql-ws) at the same path. This page needs no internet access.</p>
<form id="run">
<label for="query">Query</label><textarea id="query">${escapeHtml(exampleQuery)}</textarea>
<label for="variables">Variables (JSON)</label><textarea id="variables">{}</textarea>
<button type="submit">Run</button>
</form>
<pre id="result"></pre>
<details><summary>Schema</summary><pre>${escapeHtml(sdl)}</pre></details>
<script>${script}</script>
</body>
</html>
`;
  return {
    html,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; script-src 'sha256-${scriptHash}'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'`,
      'Cache-Control': 'no-cache',
    },
  };
}
