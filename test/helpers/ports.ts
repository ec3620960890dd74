/**
 * Free loopback ports for Portico's entrypoints. Each port is held by a listener of ours until just before
 * Portico starts, so the upstream servers this process opens meanwhile (on port 0) can never be handed one of
 * them; the window left is between `releaseAll()` and Portico binding.
 */
import { createServer, type Server } from 'node:net';

export class PortReservations {
  private readonly held: Server[] = [];

  /** A port free on 127.0.0.1, kept bound until `releaseAll()`. */
  async reserve(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.held.push(server);
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected listener address');
    return address.port;
  }

  get count(): number {
    return this.held.length;
  }

  /** Frees every reserved port (call right before starting the process that binds them). */
  async releaseAll(): Promise<void> {
    const servers = this.held.splice(0);
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
