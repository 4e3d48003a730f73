// Fresh self-signed TLS certificate per simulator start, made with the openssl CLI
// (Node has no X.509 *creation* API). Real consoles present a self-signed cert with
// CN "unifi.local" (unifi-os.md §7); Keyward pins its SHA-256, so every start must
// produce a different one to let tests exercise re-pinning.
import { execFile } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { isIP } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface CertificateOptions {
  /** Subject CN; default "unifi.local" like a factory console. */
  commonName?: string
  /** DNS names or IP addresses for subjectAltName (IPs are detected). */
  altNames?: string[]
}

export interface GeneratedCertificate {
  keyPem: string
  certPem: string
  /** SHA-256 of the DER, "AB:CD:…" (= X509Certificate.fingerprint256). */
  sha256: string
}

// Only characters that cannot break openssl's "-subj /CN=…" or "-addext" syntax.
const SAFE_NAME = /^[A-Za-z0-9*._:-]+$/

export async function generateCertificate(options: CertificateOptions = {}): Promise<GeneratedCertificate> {
  const commonName = options.commonName ?? 'unifi.local'
  const altNames = options.altNames ?? [commonName]
  for (const name of [commonName, ...altNames]) {
    if (!SAFE_NAME.test(name)) throw new Error(`unsafe certificate name: ${JSON.stringify(name)}`)
  }
  const dir = await mkdtemp(join(tmpdir(), 'keyward-cert-'))
  try {
    const keyPath = join(dir, 'key.pem')
    const certPath = join(dir, 'cert.pem')
    const args = [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '30',
      '-subj',
      `/CN=${commonName}`,
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ]
    if (altNames.length > 0) {
      const san = altNames.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',')
      args.push('-addext', `subjectAltName=${san}`)
    }
    await run('openssl', args, { timeout: 15_000 })
    const [keyPem, certPem] = await Promise.all([readFile(keyPath, 'utf8'), readFile(certPath, 'utf8')])
    return { keyPem, certPem, sha256: new X509Certificate(certPem).fingerprint256 }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
