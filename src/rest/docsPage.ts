// The readable page of the OpenAPI document at /api/docs: a small page and script of our own
// (the content security policy allows no inline or outside code) that fetch /api/openapi.json
// and list each route with its parameters, body and answers.
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Invitation API: REST</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/api/docs.css">
</head>
<body>
<main id="docs" aria-live="polite">
<h1>Invitation API: REST</h1>
<p>Loading <a href="/api/openapi.json">/api/openapi.json</a>…</p>
</main>
<script type="module" src="/api/docs.js"></script>
</body>
</html>
`;

export const DOCS_CSS = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}
main{max-width:60rem;margin:0 auto;padding:1rem}
section{border-top:1px solid #ccc;padding:.5rem 0}
h2{font-size:1.1rem;font-family:ui-monospace,monospace}
.method{display:inline-block;min-width:3.5rem;font-weight:700}
pre{background:#f4f4f4;padding:.5rem;overflow:auto;font-size:.85rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
.deprecated{color:#8a4b00}
`;

export const DOCS_JS = `const main = document.getElementById('docs');
const el = (tag, text, attrs = {}) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
};
const schemaBlock = (label, schema) => {
  const details = el('details');
  details.append(el('summary', label), el('pre', JSON.stringify(schema, null, 2)));
  return details;
};
try {
  const doc = await (await fetch('/api/openapi.json')).json();
  main.replaceChildren(el('h1', doc.info.title));
  main.append(el('p', doc.info.description), el('p', 'OpenAPI ' + doc.openapi + ' · version ' + doc.info.version + ' · bearer token in the Authorization header, as on /graphql.'));
  const link = el('a', 'The document (JSON)', { href: '/api/openapi.json' });
  main.append(el('p').appendChild(link).parentNode);
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const section = el('section', undefined, { id: op.operationId });
      const h2 = el('h2');
      h2.append(el('span', method.toUpperCase(), { class: 'method' }), document.createTextNode(' ' + path));
      section.append(h2, el('p', op.summary));
      if (op.deprecated) section.append(el('p', 'Legacy route, kept for old clients.', { class: 'deprecated' }));
      if (op.description) section.append(el('p', op.description));
      if (op.parameters?.length) {
        const table = el('table');
        const head = el('tr');
        for (const h of ['Parameter', 'In', 'Required', 'Schema']) head.append(el('th', h, { scope: 'col' }));
        table.append(head);
        for (const p of op.parameters) {
          const row = el('tr');
          row.append(el('td', p.name), el('td', p.in), el('td', p.required ? 'yes' : 'no'), el('td', JSON.stringify(p.schema)));
          table.append(row);
        }
        section.append(table);
      }
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body) section.append(schemaBlock('Body (application/json)', body));
      for (const [status, response] of Object.entries(op.responses)) {
        const schema = response.content?.['application/json']?.schema;
        section.append(schema ? schemaBlock(status + ' ' + response.description, schema) : el('p', status + ' ' + response.description));
      }
      main.append(section);
    }
  }
  const components = el('section', undefined, { id: 'components' });
  components.append(el('h2', 'Schemas'));
  for (const [name, schema] of Object.entries(doc.components.schemas)) components.append(schemaBlock(name, schema));
  main.append(components);
} catch (error) {
  main.append(el('p', 'The document could not be loaded: ' + error));
}
`;
