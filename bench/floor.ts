/**
 * The floor: a bare HTTP endpoint that makes the one Zoom call a booking needs (create a meeting) and answers with
 * it. Nothing else: no database, no auth, no validation. Run as its own process by bench/run.ts.
 * Env: ZOOM_API_BASE_URL, ZOOM_ACCESS_TOKEN. Prints "FLOOR_PORT=<port>" once listening.
 */
import http from 'node:http';

const api = process.env.ZOOM_API_BASE_URL!;
const token = process.env.ZOOM_ACCESS_TOKEN!;

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const input = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { start?: string };
    fetch(`${api}/users/me/meetings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'Floor', type: 2, start_time: input.start, duration: 30, timezone: 'UTC' }),
    })
      .then(async (zoom) => {
        const meeting = (await zoom.json()) as { id: number; join_url: string };
        res.writeHead(zoom.status === 201 ? 201 : 502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ meetingId: meeting.id, joinUrl: meeting.join_url }));
      })
      .catch((error: Error) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: error.message }));
      });
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log(`FLOOR_PORT=${(server.address() as { port: number }).port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
