// UBNT discovery sample packets (discovery.md §1.5), byte for byte, plus what
// each should decode to. Used by the parser tests and as the templates the
// simulators substitute fields into. Sources per packet:
//   A  MatrixEditor/ubnt-discovery-tool `ubnt.py`: U7PG2 access point, v2 cmd 6, 181 bytes
//      (rebuilt from the reference's TLV-by-TLV listing; lengths check out to 0xb1).
//   B  uilibs/unifi-discovery `tests/test_init.py` @0cc3c63: UVC G4 Pro camera, v1, 146 bytes.
//   C  same file: UFP-UAP-B bridge, v1, 169 bytes.
//   D  same file, constructed by its authors [fixture]: V2_RESPONSE (2/9, UDMPROMAX),
//      V0_RESPONSE (0/0, UNVR), V2_RESPONSE_WITH_EXTRA_FIELDS (2/6, 0x12 of 2 bytes).
//   F  nmap `scripts/ubiquiti-discovery.nse` @usage output: ER-X v1 with 2 MACs / 5 IPs.
//      nmap documents only decoded fields, so the bytes are rebuilt from them [fixture].
//   E  BSI CERT-Bund report [report]: airMAX LM5 v1 with two 0x02, 0x0C, 0x0D, 0x0E 02.
//      Only the field list is known; values other than LM5 and 0x0E=02 are made up.
//   P  python-airos 10002 shape (6-byte header, bare 0x06 MAC), values made up [fixture shape].

const h = (s: string): Buffer => Buffer.from(s.replace(/\s+|\|/g, ''), 'hex')
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex')
const tlv = (type: number, valueHex: string): string => {
  const len = valueHex.length / 2
  return type.toString(16).padStart(2, '0') + len.toString(16).padStart(4, '0') + valueHex
}
const withHeader = (version: number, command: number, body: string): Buffer =>
  h(
    version.toString(16).padStart(2, '0') +
      command.toString(16).padStart(2, '0') +
      (body.length / 2).toString(16).padStart(4, '0') +
      body,
  )

export const SAMPLE_A = withHeader(
  2,
  6,
  [
    tlv(0x02, '802aa853587a' + 'ac270094'),
    tlv(0x01, '802aa853587a'),
    tlv(0x0a, '0034c02a'),
    tlv(0x0b, ascii('Zi0001')),
    tlv(0x0c, ascii('U7PG2')),
    tlv(0x03, ascii('BZ.qca956x_6.0.21+13673.220607.2004')),
    tlv(0x16, ascii('6.0.21.13673')),
    tlv(0x15, ascii('U7PG2')),
    tlv(0x17, '00'),
    tlv(0x18, '00'),
    tlv(0x19, '01'),
    tlv(0x1a, '01'),
    tlv(0x13, '802aa853587a'),
    tlv(0x12, '000a8132'),
    tlv(0x1b, ascii('3.4.1')),
    tlv(0x27, '1ee19be8059b3ecf'),
    tlv(0x2a, 'e4a6775b72a346c18ee19be8059b3ecf'),
  ].join(''),
)

// Python bytes literals from test_init.py, transcribed to hex.
export const SAMPLE_B = h(`
  0100008e
  02000a e063da005e08 c0a8d401
  010006 e063da005e08
  0a0004 0013e630
  0b0004 ${ascii('Gate')}
  0c000a ${ascii('UVC G4 Pro')}
  170004 00000000
  030027 ${ascii('UVC.S5L.v4.46.18.67.ceacbaa.211202.1017')}
  100002 63a5
  200024 ${ascii('32f695ba-835b-5822-bc54-e290e1789ff1')}
`)

export const SAMPLE_C = h(`
  010000a5
  010006 245a4c75bae6
  02000a 245a4c75bae6 c0a8d52f
  030031 ${ascii('UFP-UAP-B.MT7622_SOC.v0.4.0.4.340d302.220106.0349')}
  040004 c0a8d52f
  050006 245a4c75bae6
  0a0004 000cda2f
  0b0011 ${ascii('AlexanderTechRoom')}
  0c0009 ${ascii('UFP-UAP-B')}
  100002 a620
  140018 ${ascii('Unifi-Protect-UAP-Bridge')}
  170001 00
`)

export const SAMPLE_D_V2 = h(
  `02090027 010006e063da005e08 150009${ascii('UDMPROMAX')} 160007${ascii('10.3.47')} 030005${ascii('7.0.0')}`,
)
export const SAMPLE_D_V0 = h(`0000001a 010006e43883 32c9b1 150004${ascii('UNVR')} 160007${ascii('v4.2.16')}`)
export const SAMPLE_D_EXTRA = h(`0206001b 010006e063da005e08 1200020001 130006e063da005e08 17000100`)

export const SAMPLE_F_ER = withHeader(
  1,
  0,
  [
    tlv(0x02, '802aaeaef163' + 'c0a80001'), // 192.168.0.1
    tlv(0x02, '802aaeaef163' + 'ac191001'), // 172.25.16.1
    tlv(0x02, '802aaeaef15e' + '3737370a'), // 55.55.55.10
    tlv(0x02, '802aaeaef15e' + '3737370b'),
    tlv(0x02, '802aaeaef15e' + '3737370c'),
    tlv(0x0a, (113144).toString(16).padStart(8, '0')),
    tlv(0x0b, ascii('ubnt-router')),
    tlv(0x0c, ascii('ER-X')),
    tlv(0x03, ascii('EdgeRouter.ER-e50.v1.10.7.5127989.181001.1227')),
  ].join(''),
)

export const SAMPLE_E_LM5 = withHeader(
  1,
  0,
  [
    tlv(0x02, '0027220a0b0c' + 'c0a80114'),
    tlv(0x02, '0027220a0b0c' + '0a000114'),
    tlv(0x0c, ascii('LM5')),
    tlv(0x0d, ascii('ubnt-bridge')),
    tlv(0x0e, '02'),
  ].join(''),
)

export const SAMPLE_P_PYAIROS = h(
  `010600000000 06 fc ec da 11 22 33 ${tlv(0x02, 'fcecda112233' + 'c0a80102')} ${tlv(0x0b, ascii('Rooftop'))} ${tlv(0x0c, ascii('NBE-5AC-Gen2'))} ${tlv(0x03, ascii('WA.V8.7.17'))}`,
)

/** Expected decode of each sample (fields our parser must produce). */
export const EXPECTED = {
  A: {
    signature: 'v2',
    command: 6,
    hwAddr: '802AA853587A',
    interfaces: [{ mac: '802AA853587A', ip: '172.39.0.148' }],
    uptimeSeconds: 3457066,
    hostname: 'Zi0001',
    platform: 'U7PG2',
    firmware: 'BZ.qca956x_6.0.21+13673.220607.2004',
    version16: '6.0.21.13673',
    model: 'U7PG2',
    deviceState: 'managed',
    locating: 0,
    dhcpClient: true,
    dhcpBound: true,
    macAddresses: ['802AA853587A'],
    counter: 688434,
    platformVersion: '3.4.1',
    unknown: [
      { type: 0x27, hex: '1ee19be8059b3ecf' },
      { type: 0x2a, hex: 'e4a6775b72a346c18ee19be8059b3ecf' },
    ],
  },
  B: {
    signature: 'v1',
    command: 0,
    hwAddr: 'E063DA005E08',
    interfaces: [{ mac: 'E063DA005E08', ip: '192.168.212.1' }],
    uptimeSeconds: 1304112,
    hostname: 'Gate',
    platform: 'UVC G4 Pro',
    deviceStateRaw: 0,
    deviceState: 'managed',
    firmware: 'UVC.S5L.v4.46.18.67.ceacbaa.211202.1017',
    systemId: '63a5',
    uuid: '32f695ba-835b-5822-bc54-e290e1789ff1',
    version16: null,
    model: null,
  },
  C: {
    signature: 'v1',
    hwAddr: '245A4C75BAE6',
    interfaces: [{ mac: '245A4C75BAE6', ip: '192.168.213.47' }],
    firmware: 'UFP-UAP-B.MT7622_SOC.v0.4.0.4.340d302.220106.0349',
    ipAddresses: ['192.168.213.47'],
    macAddresses: ['245A4C75BAE6'],
    uptimeSeconds: 842287,
    hostname: 'AlexanderTechRoom',
    platform: 'UFP-UAP-B',
    systemId: 'a620',
    productName: 'Unifi-Protect-UAP-Bridge',
    deviceState: 'managed',
  },
  D_V2: {
    signature: 'v2',
    command: 9,
    hwAddr: 'E063DA005E08',
    model: 'UDMPROMAX',
    version16: '10.3.47',
    firmware: '7.0.0',
  },
  D_V0: { signature: 'v0', command: 0, hwAddr: 'E4388332C9B1', model: 'UNVR', version16: 'v4.2.16' },
  D_EXTRA: {
    signature: 'v2',
    command: 6,
    hwAddr: 'E063DA005E08',
    counter: 1,
    macAddresses: ['E063DA005E08'],
    deviceState: 'managed',
  },
  F: {
    signature: 'v1',
    hwAddr: null,
    hostname: 'ubnt-router',
    platform: 'ER-X',
    uptimeSeconds: 113144,
    firmware: 'EdgeRouter.ER-e50.v1.10.7.5127989.181001.1227',
    interfaces: [
      { mac: '802AAEAEF163', ip: '192.168.0.1' },
      { mac: '802AAEAEF163', ip: '172.25.16.1' },
      { mac: '802AAEAEF15E', ip: '55.55.55.10' },
      { mac: '802AAEAEF15E', ip: '55.55.55.11' },
      { mac: '802AAEAEF15E', ip: '55.55.55.12' },
    ],
  },
  E: {
    signature: 'v1',
    platform: 'LM5',
    essid: 'ubnt-bridge',
    wirelessMode: 2,
    interfaces: [
      { mac: '0027220A0B0C', ip: '192.168.1.20' },
      { mac: '0027220A0B0C', ip: '10.0.1.20' },
    ],
  },
} as const
