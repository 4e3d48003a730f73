// A key flow as the renderer sees it (shared/views.ts ProvisionView), and the console and plan
// edits it was made for, for wizard store tests.
import type { PlanDraft, Target } from '../../renderer/src/wizard/persisted.ts'
import type { ProvisionView } from '../../shared/views.ts'

export const wizardTarget: Target = { key: '10.0.0.2:443', host: '10.0.0.2', name: 'Dream Machine', model: 'UDMPRO' }
export const wizardDraft: PlanDraft = {
  key: wizardTarget.key,
  app: 'protect',
  username: 'keyward-ha',
  keyName: 'home-assistant',
  accessValidityDays: 365,
}

export const flowView = (over: Partial<ProvisionView> = {}): ProvisionView => ({
  id: 'flow-1',
  consoleKey: wizardTarget.key,
  app: 'protect',
  mode: 'dedicated-user',
  username: 'keyward-ha',
  keyName: 'home-assistant',
  userId: null,
  keyId: null,
  expiresAt: null,
  accessValidityDays: null,
  steps: { user: 'pending', key: 'pending', verify: 'pending' },
  lastError: null,
  createdAt: new Date(Date.now() - 60_000).toISOString(),
  updatedAt: new Date(Date.now() - 50_000).toISOString(),
  ...over,
})
