// A KeyView for renderer model tests: an OK Protect key on "NVR", checked at `checkedAt`,
// with `over` on top.
import type { KeyView } from '../../shared/domain.ts'

export function keyView(over: Partial<KeyView>, checkedAt: string): KeyView {
  return {
    id: over.name ?? 'k',
    name: 'k',
    app: 'protect',
    consoleKey: '10.0.0.1:443',
    username: 'kw',
    remoteId: 'r',
    hasPassword: false,
    masked: 'abcd…wxyz',
    createdAt: new Date(Date.parse(checkedAt) - 86_400_000).toISOString(),
    expiresAt: null,
    paused: false,
    pushedTo: [],
    haHealth: null,
    lastCheck: {
      status: 'ok',
      problem: null,
      message: null,
      nextStep: null,
      appVersion: '7.0.0',
      latencyMs: 20,
      checkedAt,
    },
    status: 'ok',
    consoleName: 'NVR',
    host: '10.0.0.1',
    ...over,
  }
}
