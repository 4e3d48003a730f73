// A key flow as the renderer sees it (shared/views.ts ProvisionView), for wizard store tests.
import type { ProvisionView } from '../../shared/views.ts'

export const flowView = (over: Partial<ProvisionView> = {}): ProvisionView => ({
  id: 'flow-1',
  consoleKey: '10.0.0.2:443',
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
