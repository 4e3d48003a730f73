// A server certificate issued by a throwaway CA (openssl CLI), for the UISP key
// checks that must tell "self-signed" from "issued by an authority this computer
// does (or does not) trust" (uisp.md §4, §6). Self-signed ones come from
// ../console/cert.ts.
import { execFile } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { GeneratedCertificate } from '../console/cert.ts'

const run = promisify(execFile)
const SAFE_NAME = /^[A-Za-z0-9*._:-]+$/

export interface CaIssuedCertificate extends GeneratedCertificate {
  /** The issuing CA, to pass as `ca` to a client that should trust it. */
  caPem: string
}

export async function generateCaIssuedCertificate(options: {
  commonName: string
  altNames: string[]
}): Promise<CaIssuedCertificate> {
  for (const name of [options.commonName, ...options.altNames]) {
    if (!SAFE_NAME.test(name)) throw new Error(`unsafe certificate name: ${JSON.stringify(name)}`)
  }
  const dir = await mkdtemp(join(tmpdir(), 'keyward-ca-'))
  const p = (name: string) => join(dir, name)
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  try {
    await run(
      'openssl',
      [
        'req',
        '-x509',
        ...ec,
        '-days',
        '30',
        '-subj',
        '/CN=Keyward Test CA',
        '-keyout',
        p('ca.key'),
        '-out',
        p('ca.pem'),
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      { timeout: 15_000 },
    )
    await run(
      'openssl',
      ['req', ...ec, '-subj', `/CN=${options.commonName}`, '-keyout', p('leaf.key'), '-out', p('leaf.csr')],
      { timeout: 15_000 },
    )
    const san = options.altNames.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',')
    await writeFile(
      p('ext.cnf'),
      `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`,
    )
    await run(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        p('leaf.csr'),
        '-CA',
        p('ca.pem'),
        '-CAkey',
        p('ca.key'),
        '-CAcreateserial',
        '-days',
        '30',
        '-out',
        p('leaf.pem'),
        '-extfile',
        p('ext.cnf'),
      ],
      { timeout: 15_000 },
    )
    const [keyPem, certPem, caPem] = await Promise.all([
      readFile(p('leaf.key'), 'utf8'),
      readFile(p('leaf.pem'), 'utf8'),
      readFile(p('ca.pem'), 'utf8'),
    ])
    return { keyPem, certPem, caPem, sha256: new X509Certificate(certPem).fingerprint256 }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
