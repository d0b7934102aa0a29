// Stopping the HTTP server without dropping what it is answering: no new connections, idle ones
// closed, each request in flight answered (its connection then closed), and whatever is still
// open after the grace period cut.
import type http from 'node:http';

export function createHttpDrain(server: http.Server) {
  const open = new Set<http.ServerResponse>();
  let closing = false;
  let drained: (() => void) | undefined;
  server.on('request', (_request, response) => {
    open.add(response);
    if (closing) response.setHeader('connection', 'close');
    response.once('close', () => {
      open.delete(response);
      if (!closing) return;
      server.closeIdleConnections();
      if (open.size === 0) drained?.();
    });
  });
  return {
    /** Resolves once every request is answered and every connection closed, or after `graceMs`. */
    async close(graceMs: number): Promise<void> {
      if (!server.listening) return;
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const response of open) if (!response.headersSent) response.setHeader('connection', 'close');
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      if (open.size > 0) await Promise.race([new Promise<void>((resolve) => (drained = resolve)), grace]);
      server.closeAllConnections();
      await Promise.race([closed, grace]);
      clearTimeout(timer);
    },
  };
}
