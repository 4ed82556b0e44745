// Whether a port forward's host port is free on 127.0.0.1, asked just before QEMU would bind it: QEMU's own failure
// ("Could not set up host forwarding rule") names neither the guest's field nor what holds the port.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { CgvirtError, type Definition } from '../../../shared';

const LOOPBACK = '127.0.0.1';

function tryBind(protocol: 'tcp' | 'udp', port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    if (protocol === 'tcp') {
      const server = createServer();
      server.once('error', (e) => resolve(e));
      server.listen({ host: LOOPBACK, port, exclusive: true }, () => server.close(() => resolve(null)));
    } else {
      const socket = createSocket('udp4');
      socket.once('error', (e) => {
        socket.close();
        resolve(e);
      });
      socket.bind({ address: LOOPBACK, port, exclusive: true }, () => socket.close(() => resolve(null)));
    }
  });
}

/** Throws INVALID_ARG naming the first forward whose host port cannot be bound, and why. */
export async function checkForwardPorts(def: Pick<Definition, 'name' | 'nics'>): Promise<void> {
  for (const [n, nic] of def.nics.entries()) {
    for (const [i, f] of nic.forwards.entries()) {
      const e = await tryBind(f.protocol, f.hostPort);
      if (!e) continue;
      const at = `nics[${n}].forwards[${i}].hostPort ${f.hostPort}/${f.protocol}`;
      const why =
        e.code === 'EADDRINUSE'
          ? `is in use on ${LOOPBACK} (by another program or guest); choose another port`
          : e.code === 'EACCES'
            ? 'cannot be bound by this engine (a privileged port needs root)'
            : `cannot be bound (${e.code ?? e.message})`;
      throw new CgvirtError('INVALID_ARG', `guest '${def.name}': ${at} ${why}`);
    }
  }
}
