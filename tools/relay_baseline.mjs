// The baseline of tools/bench_relay.sh: the media relay a user would write instead of our
// server, Node + the npm `ws` package, broadcasting each binary message to the other members
// of its room (?room=). Usage: node tools/relay_baseline.mjs [port]  (0 = a free one; prints it)
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/e2e/package.json', import.meta.url));
const { WebSocketServer } = require('ws');

const rooms = new Map();  // room name -> Set of sockets
const server = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2] || 0) });
server.on('listening', () => console.log(`baseline relay listening on ws://127.0.0.1:${server.address().port}/`));
server.on('connection', (socket, request) => {
  const room = new URL(request.url, 'http://localhost').searchParams.get('room') || '';
  if (!rooms.has(room)) rooms.set(room, new Set());
  const members = rooms.get(room);
  members.add(socket);
  socket.on('message', (data, isBinary) => {
    if (!isBinary) return;
    for (const other of members) if (other !== socket && other.readyState === 1) other.send(data, { binary: true });
  });
  socket.on('close', () => {
    members.delete(socket);
    if (members.size === 0) rooms.delete(room);
  });
});
