// A minimal DNS response encoder (RFC 1035 §4.1, no name compression) for
// tests that must send mDNS answers from an address of their choosing, which a
// multicast-dns instance cannot do. Only the record types discovery reads.

export interface WireRecord {
  name: string
  type: 'PTR' | 'SRV' | 'TXT' | 'A'
  ttl: number
  /** PTR: a name; SRV: {target, port}; TXT: strings; A: dotted IPv4. */
  data: string | { target: string; port: number } | Buffer[]
}

const TYPES = { A: 1, PTR: 12, TXT: 16, SRV: 33 } as const

function encodeName(name: string): Buffer {
  const labels = name
    .replace(/\.$/, '')
    .split('.')
    .map((l) => Buffer.from(l, 'utf8'))
  return Buffer.concat([...labels.flatMap((l) => [Buffer.from([l.length]), l]), Buffer.from([0])])
}

function rdata(r: WireRecord): Buffer {
  if (r.type === 'PTR') return encodeName(r.data as string)
  if (r.type === 'A') return Buffer.from((r.data as string).split('.').map(Number))
  if (r.type === 'TXT') return Buffer.concat((r.data as Buffer[]).flatMap((s) => [Buffer.from([s.length]), s]))
  const { target, port } = r.data as { target: string; port: number }
  const head = Buffer.alloc(6)
  head.writeUInt16BE(port, 4) // priority 0, weight 0, port
  return Buffer.concat([head, encodeName(target)])
}

function encodeRecord(r: WireRecord): Buffer {
  const data = rdata(r)
  const fixed = Buffer.alloc(10)
  fixed.writeUInt16BE(TYPES[r.type], 0)
  fixed.writeUInt16BE(1, 2) // class IN
  fixed.writeUInt32BE(r.ttl, 4)
  fixed.writeUInt16BE(data.length, 8)
  return Buffer.concat([encodeName(r.name), fixed, data])
}

/** An authoritative response (QR + AA) carrying `answers` and `additionals`. */
export function dnsResponse(answers: WireRecord[], additionals: WireRecord[] = []): Buffer {
  const header = Buffer.alloc(12)
  header.writeUInt16BE(0x8400, 2)
  header.writeUInt16BE(answers.length, 6)
  header.writeUInt16BE(additionals.length, 10)
  return Buffer.concat([header, ...answers.map(encodeRecord), ...additionals.map(encodeRecord)])
}

const HA_TYPE = '_home-assistant._tcp.local'

/** One `_home-assistant._tcp` instance: PTR in the answers, SRV + TXT + A as additionals. */
export function haInstance(
  instance: string,
  uuid: string,
  address = '10.66.0.1',
): { answers: WireRecord[]; additionals: WireRecord[] } {
  const fqdn = `${instance}.${HA_TYPE}`
  const host = `${uuid}.local`
  return {
    answers: [{ name: HA_TYPE, type: 'PTR', ttl: 4500, data: fqdn }],
    additionals: [
      { name: fqdn, type: 'SRV', ttl: 120, data: { target: host, port: 8123 } },
      { name: fqdn, type: 'TXT', ttl: 4500, data: [Buffer.from(`uuid=${uuid}`), Buffer.from('version=2026.9.1')] },
      { name: host, type: 'A', ttl: 120, data: address },
    ],
  }
}
