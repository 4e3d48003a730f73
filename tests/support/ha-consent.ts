// The user's informed consent to send a key's dedicated user's password to one Home Assistant,
// given the way the window gives it: read the sentence from ha.pushOptions, agree to it word for word.
import type { HaConsent, HaPushOptions } from '../../shared/domain.ts'
import type { Outcome } from '../../shared/result.ts'

interface Invoker {
  invoke(name: string, input: unknown): Promise<unknown>
}

export async function agreeToSendPassword(core: Invoker, keyId: string, haId: string): Promise<HaConsent> {
  const options = (await core.invoke('ha.pushOptions', { keyId, haId })) as Outcome<HaPushOptions>
  if (!options.ok) throw new Error(`ha.pushOptions: ${options.error.message}`)
  if (!options.value.consentSentence) throw new Error('this key has no dedicated user whose password could be sent')
  const consent = (await core.invoke('ha.consent', {
    keyId,
    haId,
    sentence: options.value.consentSentence,
  })) as Outcome<HaConsent>
  if (!consent.ok) throw new Error(`ha.consent: ${consent.error.message}`)
  return consent.value
}
