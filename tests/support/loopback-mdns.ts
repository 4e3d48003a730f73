// Discovery on loopback only (never the host's real interfaces): a fake interface list naming `lo`,
// and free UDP ports for the mDNS/ubnt sockets of one test core.
import dgram from 'node:dgram'
import type os from 'node:os'
import type { DiscoveryOptions } from '../../electron/core/discovery/types.ts'

export const LOOPBACK: () => NodeJS.Dict<os.NetworkInterfaceInfo[]> = () => ({
  lo: [
    {
      address: '127.0.0.1',
      netmask: '255.0.0.0',
      family: 'IPv4',
      mac: '00:00:00:00:00:00',
      internal: true,
      cidr: '127.0.0.1/8',
    },
  ],
})

export async function freeUdpPorts(n: number): Promise<number[]> {
  const out: number[] = []
  while (out.length < n) {
    const port = await new Promise<number>((resolve) => {
      const s = dgram.createSocket('udp4')
      s.bind(0, '127.0.0.1', () => {
        const p = s.address().port
        s.close(() => resolve(p))
      })
    })
    if (!out.includes(port)) out.push(port)
  }
  return out
}

/** A core's discovery options on loopback with private UDP ports (no fingerprinting), and its mDNS port. */
export async function loopbackDiscovery() {
  const [mdnsPort, ubntPort, bindPort, airosPort] = (await freeUdpPorts(4)) as [number, number, number, number]
  const discovery: DiscoveryOptions = {
    interfaceSource: LOOPBACK,
    ubntPort,
    bindPort,
    airosPort,
    mdns: { port: mdnsPort },
    fingerprint: false,
  }
  return { mdnsPort, discovery }
}
