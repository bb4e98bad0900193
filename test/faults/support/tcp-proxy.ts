import net, { type AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of a dependency. cut() is "the network to it went away": open connections are dropped and
 * new ones hang (accepted, never answered) like a black-holed host; restore() brings it back on the same port.
 */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1') {
  let cut = false;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const server = net.createServer((client) => {
    track(client);
    if (cut) return; // black hole: the client waits until it times out
    const upstream = net.connect(targetPort, targetHost);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    cut() {
      cut = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      cut = false;
      // Clients that were held in the black hole reconnect on their own once we drop them.
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
