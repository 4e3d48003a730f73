// UBNT / airOS / mDNS TXT parsing: every sample packet of discovery.md §1.5
// decodes to the documented fields, and a few thousand malformed or hostile
// inputs neither throw nor hang nor produce unbounded output.
import { describe, expect, it } from 'vitest'
import { parseAirosPacket, parsePythonAirosShape } from '../../electron/core/discovery/airos.ts'
import { homeAssistantDetails, parseTxt } from '../../electron/core/discovery/mdns.ts'
import { MAX_TLVS, readTlvs } from '../../electron/core/discovery/tlv.ts'
import {
  deviceState,
  ipv6Text,
  parseUbntPacket,
  replyAddresses,
  replyMacs,
  V1_REQUEST,
  V2_REQUEST,
  versionFromFirmware,
  type UbntPacket,
  type UbntReply,
} from '../../electron/core/discovery/ubnt.ts'
import {
  EXPECTED,
  SAMPLE_A,
  SAMPLE_B,
  SAMPLE_C,
  SAMPLE_D_EXTRA,
  SAMPLE_D_V0,
  SAMPLE_D_V2,
  SAMPLE_E_LM5,
  SAMPLE_F_ER,
  SAMPLE_P_PYAIROS,
} from '../simulators/ubnt/fixtures.ts'

function reply(packet: UbntPacket): UbntReply {
  if (packet.kind !== 'reply') throw new Error(`not a reply: ${JSON.stringify(packet)}`)
  return packet.reply
}

/** mulberry32: small, seeded, good enough for fuzzing. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SAMPLES = {
  A: SAMPLE_A,
  B: SAMPLE_B,
  C: SAMPLE_C,
  D_V2: SAMPLE_D_V2,
  D_V0: SAMPLE_D_V0,
  D_EXTRA: SAMPLE_D_EXTRA,
  F: SAMPLE_F_ER,
  E: SAMPLE_E_LM5,
}

describe('UBNT sample packets (discovery.md §1.5)', () => {
  it('have the documented sizes', () => {
    expect(SAMPLE_A.length).toBe(181)
    expect(SAMPLE_B.length).toBe(146)
    expect(SAMPLE_C.length).toBe(169)
    expect(SAMPLE_D_V2.readUInt16BE(2)).toBe(39)
    expect(SAMPLE_D_V0.readUInt16BE(2)).toBe(26)
    expect(SAMPLE_D_EXTRA.readUInt16BE(2)).toBe(27)
    for (const p of Object.values(SAMPLES)) expect(p.readUInt16BE(2)).toBe(p.length - 4)
  })

  for (const [name, packet] of Object.entries(SAMPLES)) {
    it(`${name} decodes to the expected fields, without problems`, () => {
      const r = reply(parseUbntPacket(packet))
      expect(r).toMatchObject(EXPECTED[name as keyof typeof EXPECTED])
      expect(r.problems).toEqual([])
    })
  }

  it('A: the U7PG2 carries TLV 0x16 although it is an access point', () => {
    // Why 0x16 alone does not make a console (inventory.ts header).
    expect(reply(parseUbntPacket(SAMPLE_A)).version16).toBe('6.0.21.13673')
  })

  it('F: the EdgeRouter reports two MACs and five addresses; the version comes out of the firmware string', () => {
    const r = reply(parseUbntPacket(SAMPLE_F_ER))
    expect(replyMacs(r)).toEqual(['802AAEAEF163', '802AAEAEF15E'])
    expect(replyAddresses(r)).toEqual(['192.168.0.1', '172.25.16.1', '55.55.55.10', '55.55.55.11', '55.55.55.12'])
    expect(versionFromFirmware(r.firmware)).toBe('v1.10.7')
  })

  it('requests are recognised as requests, not replies (unifi-discovery test_parse_v2_echo_rejected)', () => {
    expect(parseUbntPacket(V1_REQUEST)).toEqual({ kind: 'request', version: 1, command: 0 })
    expect(parseUbntPacket(V2_REQUEST)).toEqual({ kind: 'request', version: 2, command: 8 })
    expect(parseUbntPacket(Buffer.from('020a0000', 'hex'))).toEqual({ kind: 'request', version: 2, command: 10 })
    expect(parseUbntPacket(Buffer.from('05000000', 'hex')).kind).toBe('invalid')
    expect(parseUbntPacket(Buffer.from('0209', 'hex')).kind).toBe('invalid')
  })

  it('accepts the reply headers of §1.3 and rejects others', () => {
    const body = '010006112233445566'
    const pkt = (v: number, c: number): Buffer =>
      Buffer.from(`${v.toString(16).padStart(2, '0')}${c.toString(16).padStart(2, '0')}0009${body}`, 'hex')
    const accepted = [
      [1, 0],
      [1, 6],
      [2, 6],
      [2, 8],
      [2, 9],
      [2, 11],
      [0, 0],
      [0, 77],
    ]
    for (const [v, c] of accepted) expect(parseUbntPacket(pkt(v!, c!)).kind, `${v}/${c}`).toBe('reply')
    for (const [v, c] of [
      [1, 1],
      [2, 1],
      [2, 7],
      [3, 0],
      [255, 0],
    ])
      expect(parseUbntPacket(pkt(v!, c!)).kind, `${v}/${c}`).toBe('invalid')
  })

  it('truncated payloads keep the fields before the cut (unifi-discovery test_parse_response_truncated_payload)', () => {
    const r = reply(parseUbntPacket(Buffer.from('01000064010006e063da005e08', 'hex')))
    expect(r.hwAddr).toBe('E063DA005E08')
    expect(r.problems.join()).toMatch(/only 9 arrived/)
  })

  it('decodes IPv6 interfaces, web port, 4-byte device state, recovery bit', () => {
    const v6 = '20010db8000000000000000000000001'
    const packet = Buffer.from(
      `0100` + '0000' + `020016112233445566${v6}` + '0f000400010050' + '17000400000008' + '1c000200' + '16',
      'hex',
    )
    packet.writeUInt16BE(packet.length - 4, 2)
    const r = reply(parseUbntPacket(packet))
    expect(r.interfaces).toEqual([{ mac: '112233445566', ip: '2001:db8::1' }])
    expect(r.webPort).toBe(80)
    expect(r.webHttps).toBe(true)
    expect(r.deviceState).toBe('recovery')
    expect(r.sshdPort).toBe(22)
    expect(ipv6Text(Buffer.alloc(16))).toBe('::')
    expect(ipv6Text(Buffer.from('fe800000000000000000000000000000', 'hex'))).toBe('fe80::')
    expect(ipv6Text(Buffer.from('00010002000300040005000600070008', 'hex'))).toBe('1:2:3:4:5:6:7:8')
    expect(deviceState(1)).toBe('default')
    expect(deviceState(0)).toBe('managed')
    expect(deviceState(9)).toBe('default')
  })

  it('neutralises control and bidi characters in strings', () => {
    const name = Buffer.from('AP\u202Egnp.exe\u0007\u0000\u0000', 'utf8')
    const packet = Buffer.concat([Buffer.from([1, 0, 0, 0, 0x0b, 0, name.length]), name])
    packet.writeUInt16BE(packet.length - 4, 2)
    expect(reply(parseUbntPacket(packet)).hostname).toBe('AP\uFFFDgnp.exe\uFFFD')
  })
})

describe('airOS 10002 announcements (discovery.md §2)', () => {
  it('reads the [inferred] standard v1 cmd 6 form', () => {
    const body = Buffer.from(SAMPLE_E_LM5.subarray(4))
    const withMac = Buffer.concat([Buffer.from('010006', 'hex'), Buffer.from('24a43c0a0b0c', 'hex'), body])
    const packet = Buffer.concat([Buffer.from([1, 6, withMac.length >> 8, withMac.length & 255]), withMac])
    const r = reply(parseAirosPacket(packet))
    expect(r).toMatchObject({
      signature: 'v1',
      command: 6,
      hwAddr: '24A43C0A0B0C',
      platform: 'LM5',
      essid: 'ubnt-bridge',
    })
  })

  it('reads the python-airos 6-byte header form with a bare 0x06 MAC', () => {
    const r = reply(parseAirosPacket(SAMPLE_P_PYAIROS))
    expect(r).toMatchObject({
      hwAddr: 'FCECDA112233',
      hostname: 'Rooftop',
      platform: 'NBE-5AC-Gen2',
      firmware: 'WA.V8.7.17',
      interfaces: [{ mac: 'FCECDA112233', ip: '192.168.1.2' }],
    })
    expect(parsePythonAirosShape(Buffer.from('010600000000', 'hex'))).toBeNull()
    expect(parsePythonAirosShape(Buffer.from('01060000000006aabb', 'hex'))).toBeNull()
  })
})

describe('hostile input', () => {
  const checkBounded = (p: UbntPacket): void => {
    const json = JSON.stringify(p)
    expect(json.length).toBeLessThan(200_000)
    if (p.kind !== 'reply') return
    const r = p.reply
    for (const s of [r.hostname, r.platform, r.firmware, r.model, r.productName, r.essid, r.version16, r.uuid]) {
      if (s !== null) {
        expect(s.length).toBeLessThanOrEqual(256)
        // eslint-disable-next-line no-control-regex
        expect(s).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202e]/)
      }
    }
    expect(r.interfaces.length).toBeLessThanOrEqual(64)
    expect(r.unknown.length).toBeLessThanOrEqual(32)
  }

  function hostileCorpus(): Buffer[] {
    const rand = prng(0x5eed)
    const corpus: Buffer[] = [Buffer.alloc(0), Buffer.from([1]), Buffer.from([1, 0]), Buffer.from([1, 0, 0])]
    // Every prefix of every sample: truncated at each byte.
    for (const p of Object.values(SAMPLES))
      for (let i = 0; i < p.length; i++) corpus.push(Buffer.from(p.subarray(0, i)))
    // Lengths past the end, in the header and in each field.
    for (const p of Object.values(SAMPLES)) {
      for (const len of [0xffff, p.length, p.length - 3]) {
        const q = Buffer.from(p)
        q.writeUInt16BE(len, 2)
        corpus.push(q)
      }
      for (let off = 4; off + 3 <= p.length; off += 7) {
        const q = Buffer.from(p)
        q.writeUInt16BE(0xffff, off + 1)
        corpus.push(q)
      }
    }
    // Zero-length fields only, as many as fit in a datagram.
    corpus.push(Buffer.concat([Buffer.from([1, 0, 0xff, 0xfc]), Buffer.alloc(0xfffc)]))
    // Huge: the biggest UDP payload, one giant string field, and thousands of repeated 0x02.
    const huge = Buffer.alloc(65507, 0x41)
    huge.set([1, 0, 0xff, 0xdf, 0x0b, 0xff, 0xdc])
    corpus.push(huge)
    const many02 = Buffer.concat([
      Buffer.from([2, 9, 0, 0]),
      ...Array.from({ length: 5000 }, (_, i) =>
        Buffer.from([0x02, 0, 10, 0, 0x27, 0x22, 0, i >> 8, i & 255, 10, 0, i >> 8, i & 255]),
      ),
    ])
    many02.writeUInt16BE(Math.min(0xffff, many02.length - 4), 2)
    corpus.push(many02)
    const manyUnknown = Buffer.concat([
      Buffer.from([1, 0, 0, 0]),
      ...Array.from({ length: 3000 }, (_, i) => Buffer.from([0x80 + (i % 100), 0, 1, i & 255])),
    ])
    manyUnknown.writeUInt16BE(Math.min(0xffff, manyUnknown.length - 4), 2)
    corpus.push(manyUnknown)
    // Random bytes; random bytes behind each valid header; bit flips in samples.
    const headers = [
      [1, 0],
      [2, 6],
      [2, 9],
      [0, 0],
      [1, 6],
    ]
    for (let i = 0; i < 300; i++) {
      const len = Math.floor(rand() * (i % 10 === 0 ? 4000 : 200))
      const b = Buffer.alloc(len)
      for (let j = 0; j < len; j++) b[j] = Math.floor(rand() * 256)
      if (i % 2 === 0 && len >= 4) {
        const [v, c] = headers[i % headers.length]!
        b[0] = v!
        b[1] = c!
        b.writeUInt16BE(len - 4, 2)
      }
      corpus.push(b)
    }
    for (let i = 0; i < 300; i++) {
      const base = Object.values(SAMPLES)[i % Object.keys(SAMPLES).length]!
      const q = Buffer.from(base)
      for (let k = 0; k < 1 + (i % 8); k++) {
        const at = Math.floor(rand() * q.length)
        q[at] = q[at]! ^ (1 << Math.floor(rand() * 8))
      }
      corpus.push(q)
    }
    return corpus
  }

  it('≥ 500 malformed packets: nothing throws, hangs or grows without bound', () => {
    const corpus = hostileCorpus()
    expect(corpus.length).toBeGreaterThanOrEqual(500)
    for (const packet of corpus) {
      let a: UbntPacket | undefined
      let b: UbntPacket | undefined
      expect(() => {
        a = parseUbntPacket(packet)
      }).not.toThrow()
      expect(() => {
        b = parseAirosPacket(packet)
      }).not.toThrow()
      checkBounded(a!)
      checkBounded(b!)
    }
    // Parsing speed is measured by `npm run bench`, not asserted here (the suite runs on busy machines).
  })

  it('the TLV walk stops at MAX_TLVS and at a field running past the end', () => {
    const zeros = Buffer.alloc(3 * (MAX_TLVS + 50))
    const walk = readTlvs(zeros)
    expect(walk.tlvs).toHaveLength(MAX_TLVS)
    expect(walk.problems.join()).toMatch(/ignored/)
    expect(readTlvs(Buffer.from('0b00ff41', 'hex')).problems.join()).toMatch(/claims 255 bytes but only 1 remain/)
    expect(readTlvs(Buffer.from('0b00', 'hex')).problems.join()).toMatch(/stray/)
  })

  it('repeated 0x02 entries are capped and de-duplicated', () => {
    const r = reply(parseUbntPacket(hostileCorpus().find((p) => p.length > 60000 && p[0] === 2)!))
    expect(r.interfaces).toHaveLength(64)
    expect(r.problems).toContain('too many interface entries')
  })
})

describe('mDNS TXT (bonjour-service limit 4: lossy TXT, so we parse rawTxt)', () => {
  const b = (s: string): Buffer => Buffer.from(s, 'utf8')

  it('keeps what bonjour-service drops or mangles', () => {
    const { txt, rawTxt } = parseTxt([
      b('flag'),
      b('empty='),
      b('a=1=2'),
      b('K=upper'),
      b('k=dup'),
      b('x'),
      Buffer.alloc(0),
    ])
    expect(txt).toEqual({ flag: '', empty: '', a: '1=2', k: 'upper', x: '' })
    expect(rawTxt).toHaveLength(7)
    expect(rawTxt[0]).toBe(b('flag').toString('hex'))
  })

  it('never touches the prototype and survives binary, huge and deep TXT', () => {
    const binary = Buffer.from([0x62, 0x3d, 0xff, 0xfe, 0x00, 0x1b])
    const many = Array.from({ length: 5000 }, (_, i) => b(`key${i}=${'v'.repeat(300)}`))
    const { txt, rawTxt } = parseTxt([b('__proto__=polluted'), b('constructor=x'), binary, ...many])
    expect(Object.getPrototypeOf(txt)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.hasOwn(txt, '__proto__')).toBe(true)
    expect(txt.b).toBe('\uFFFD\uFFFD\uFFFD\uFFFD')
    expect(rawTxt).toHaveLength(64)
    expect(Object.keys(txt).length).toBeLessThanOrEqual(64)
    for (const v of Object.values(txt)) expect(v.length).toBeLessThanOrEqual(256)
    // Anything that is not a list of buffers is no TXT at all.
    for (const junk of [null, undefined, 42, 'text', [1, 2, 3], { a: 1 }, [[b('a=1')]]]) {
      expect(() => parseTxt(junk)).not.toThrow()
    }
    const deep: unknown[] = []
    let cur = deep
    for (let i = 0; i < 10_000; i++) {
      const next: unknown[] = []
      cur.push(next)
      cur = next
    }
    expect(parseTxt(deep).rawTxt).toEqual([])
  })

  it('maps the Home Assistant TXT keys (discovery.md §9a)', () => {
    const details = homeAssistantDetails({
      type: 'home-assistant',
      fqdn: 'My Home v1.2._home-assistant._tcp.local',
      instance: 'My Home v1.2',
      host: 'abc.local',
      port: 8123,
      addresses: ['10.0.0.5'],
      referer: '10.0.0.5',
      rawTxt: [
        b('location_name=My Home'),
        b('uuid=abc'),
        b('version=2026.9.1'),
        b('base_url=http://10.0.0.5:8123'),
        b('internal_url=http://10.0.0.5:8123'),
        b('external_url='),
        b('requires_api_password=True'),
      ],
    })
    expect(details).toMatchObject({
      instance: 'My Home v1.2',
      uuid: 'abc',
      version: '2026.9.1',
      locationName: 'My Home',
      baseUrl: 'http://10.0.0.5:8123',
      internalUrl: 'http://10.0.0.5:8123',
      externalUrl: null,
      port: 8123,
    })
    expect(details.txt.requires_api_password).toBe('True')
  })
})
