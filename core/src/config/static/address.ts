/**
 * Entry point addresses, Traefik's form: `[host]:port[/tcp|/udp]` — `:8080`, `127.0.0.1:80`, `[::1]:80`,
 * `:53/udp`. The host may be empty (all interfaces), an IPv4 address, a host name, or an IPv6 address in
 * brackets. Traefik hands the part before `/` to Go's net.Listen, which also resolves named ports (`:http`);
 * Node cannot, so Portico asks for a number.
 */
export interface ListenAddress {
  /** Host to bind; '' means every interface. IPv6 addresses come without brackets. */
  host: string;
  port: number;
  protocol: 'tcp' | 'udp';
}

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const IPV6 = /^[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?$/;

/** Parses an entry point address; throws an Error whose message says what is wrong. */
export function parseListenAddress(address: string): ListenAddress {
  const slash = address.indexOf('/');
  const hostPort = slash === -1 ? address : address.slice(0, slash);
  let protocol: 'tcp' | 'udp' = 'tcp';
  if (slash !== -1) {
    const suffix = address.slice(slash + 1).toLowerCase();
    if (suffix !== 'tcp' && suffix !== 'udp') {
      throw new Error(`invalid protocol "${address.slice(slash + 1)}" in address ${JSON.stringify(address)}: expected /tcp or /udp`);
    }
    protocol = suffix;
  }
  const colon = hostPort.lastIndexOf(':');
  if (colon === -1) {
    throw new Error(`invalid address ${JSON.stringify(address)}: expected [host]:port[/tcp|/udp], e.g. ":80" or "127.0.0.1:8080"`);
  }
  let host = hostPort.slice(0, colon);
  const portText = hostPort.slice(colon + 1);
  if (host.startsWith('[') || host.endsWith(']')) {
    if (!(host.startsWith('[') && host.endsWith(']')) || !IPV6.test(host.slice(1, -1))) {
      throw new Error(`invalid IPv6 host in address ${JSON.stringify(address)}: expected e.g. "[::1]:80"`);
    }
    host = host.slice(1, -1);
  } else if (host.includes(':')) {
    throw new Error(`invalid address ${JSON.stringify(address)}: an IPv6 host must be in brackets, e.g. "[::1]:80"`);
  } else if (host !== '' && !HOST_NAME.test(host)) {
    throw new Error(`invalid host "${host}" in address ${JSON.stringify(address)}`);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new Error(`invalid port "${portText}" in address ${JSON.stringify(address)}: expected a number from 0 to 65535`);
  }
  return { host, port: Number(portText), protocol };
}

/** Schema checker (`x-check`) for address strings: the problem, or undefined when the address is valid. */
export function listenAddressProblem(address: string): string | undefined {
  try {
    parseListenAddress(address);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
