// What is kept of a key check on the key's record (KeyCheckSummary): the same for UniFi keys and UISP
// tokens, and for the wizard, the key watch and rotation alike.
import type { KeyCheck, KeyCheckSummary } from './domain.ts'

export const summarize = (check: KeyCheck): KeyCheckSummary =>
  check.status === 'ok'
    ? {
        status: 'ok',
        problem: null,
        message: check.warning ?? null,
        nextStep: null,
        appVersion: check.appVersion,
        latencyMs: check.latencyMs,
        checkedAt: check.checkedAt,
      }
    : {
        status: 'failed',
        problem: check.problem,
        message: check.message,
        nextStep: check.nextStep,
        appVersion: check.appVersion ?? null,
        latencyMs: null,
        ...(check.accessCertificate ? { accessSha256: check.accessCertificate.sha256 } : {}),
        checkedAt: check.checkedAt,
      }
