// Probe an address and confirm the certificate it shows, as the wizard's trust step does
// (`console.trust` / `uisp.trust`): the core sends no credential to a host the user has not
// confirmed (issue 14 §3). Answers the probe's outcome, or the trust's failure.
import type { Core } from '../../electron/core/index.ts'
import type { ConsoleProbe, UispProbe } from '../../shared/domain.ts'
import type { Outcome } from '../../shared/result.ts'

type Invoker = Pick<Core, 'invoke'>

export async function probeAndTrust(core: Invoker, address: string): Promise<Outcome<ConsoleProbe>> {
  const probed = (await core.invoke('console.probe', { address })) as Outcome<ConsoleProbe>
  if (!probed.ok) return probed
  const {
    address: { key },
    certificate: { sha256 },
  } = probed.value
  const trusted = await core.invoke('console.trust', { key, sha256 })
  return trusted.ok ? probed : (trusted as Outcome<never>)
}

export async function probeAndTrustUisp(core: Invoker, address: string): Promise<Outcome<UispProbe>> {
  const probed = (await core.invoke('uisp.probe', { address })) as Outcome<UispProbe>
  if (!probed.ok) return probed
  const {
    address: { key },
    certificate: { sha256 },
  } = probed.value
  const trusted = await core.invoke('uisp.trust', { key, sha256 })
  return trusted.ok ? probed : (trusted as Outcome<never>)
}
