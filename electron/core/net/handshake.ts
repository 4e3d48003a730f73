// The certificate a host presents, read with a TLS handshake only: not one byte of HTTP is written,
// so nothing (no cookie, key or token) can leave (unifi-os.md §7, the first contact of a pin).
import type { CertificateInfo } from '../../../shared/domain.ts'
import { addressKey } from '../../../shared/format.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { describeCertificate } from './https.ts'
import { pinnedConnect } from './pool.ts'

export function readCertificate(target: { host: string; port: number; timeoutMs?: number }): Promise<CertificateInfo> {
  const where = addressKey(target.host, target.port)
  const timeoutMs = target.timeoutMs ?? 6000
  return new Promise<CertificateInfo>((resolve, reject) => {
    let seen: CertificateInfo | null = null
    const deadline = setTimeout(() => {
      socket.destroy()
      reject(new KeywardFailure('timeout', `${where} did not finish a TLS handshake within ${timeoutMs / 1000} s.`))
    }, timeoutMs)
    const socket = pinnedConnect(
      target,
      where,
      {
        describe: describeCertificate,
        check: (certificate) => {
          if (!certificate) throw new KeywardFailure('tls', `${where} presented no certificate.`)
          seen = certificate
        },
      },
      (error, s) => {
        clearTimeout(deadline)
        s?.destroy()
        if (error || !seen) {
          reject(
            error instanceof KeywardFailure
              ? error
              : new KeywardFailure('unreachable', `${where} did not answer: ${error?.message ?? 'no certificate'}`),
          )
          return
        }
        resolve(seen)
      },
    )
  })
}
