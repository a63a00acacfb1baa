// A tiny stand-in for Klaviyo's GET /api/images (the tutorial's vendor, docs/tutorial-new-vendor.md),
// in the shape of the OpenAPI document test/fixtures/openapi/klaviyo-get-images.json: JSON:API
// `data` with `links.next` while more follow, and Klaviyo's error body for a wrong key.
// Usage: node scripts/tutorial/mock-klaviyo.js <port> <expected Authorization header>
const http = require('node:http');

const [port, expected] = process.argv.slice(2);
const image = (id, name, format) => ({
  type: 'image',
  id,
  attributes: { name, image_url: `https://cdn.example.com/${id}.${format}`, format, size: 20480, hidden: false, updated_at: '2026-11-02T09:30:00+00:00' },
  links: { self: `https://a.klaviyo.com/api/images/${id}/` },
});
const pages = {
  '': { data: [image('7', 'spring-banner', 'png'), image('8', 'logo', 'svg')], next: 'p2' },
  p2: { data: [image('9', 'footer', 'jpeg')], next: null },
};

http
  .createServer((req, res) => {
    const url = new URL(req.url, `http://${req.headers.host}`);
    const send = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/vnd.api+json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== expected) {
      return send(401, { errors: [{ id: 'e1', status: 401, code: 'not_authenticated', title: 'Authentication credentials were not provided.', detail: 'Missing or invalid private key.', source: { pointer: '/data/' } }] });
    }
    const page = url.pathname === '/api/images' ? pages[url.searchParams.get('page[cursor]') ?? ''] : undefined;
    if (!page) return send(404, { errors: [{ id: 'e2', status: 404, code: 'not_found', title: 'Not found.', detail: `${url.pathname} was not found.` }] });
    const next = page.next ? `http://${req.headers.host}/api/images?page%5Bcursor%5D=${page.next}&page%5Bsize%5D=100` : null;
    send(200, { data: page.data, links: { self: `http://${req.headers.host}${req.url}`, next, prev: null } });
  })
  .listen(Number(port), '127.0.0.1', () => console.log(`mock Klaviyo on http://127.0.0.1:${port}`));
