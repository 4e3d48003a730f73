// The wizard's UISP path (uisp.md): find the server → trust its certificate →
// sign in (TOTP when the account has 2FA) → choose what the token is for (the
// least scope that serves it) → token made, stored and verified → done.
//
// Persisted (localStorage, so reopening the window returns to the same step):
// the step, the server and its probe, the confirmed fingerprints, the plan and
// the outcome (which carries only the MASKED token). Never here: the password,
// the 2FA code (the sign-in screen's local state) or the token (copy only).
import { create } from 'zustand'
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware'
import type { KeywardApi } from '../../../../shared/contract.ts'
import type {
  UispProbe,
  UispServerRecord,
  UispSignInResult,
  UispTokenPlan,
  UispTokenPurpose,
} from '../../../../shared/domain.ts'
import type { UispTokenOutcomeView } from '../../../../shared/views.ts'
import type { InventoryItem } from '../../../../shared/inventory.ts'
import type { KeywardError, Outcome } from '../../../../shared/result.ts'
import { addressKey } from '../../../../shared/format.ts'

/** `off`: the UniFi wizard is showing (the goal screen offers UISP). */
export type UispStep = 'off' | 'find' | 'trust' | 'signin' | 'purpose' | 'run' | 'done'

export const UISP_STEPS: { step: UispStep; label: string }[] = [
  { step: 'find', label: 'Server' },
  { step: 'trust', label: 'Certificate' },
  { step: 'signin', label: 'Sign in' },
  { step: 'purpose', label: 'Purpose' },
  { step: 'run', label: 'Token' },
]

export const uispStepIndex = (step: UispStep) =>
  step === 'done' ? UISP_STEPS.length : UISP_STEPS.findIndex((s) => s.step === step)

/** One UISP server on the Find step: found by discovery, known from before, or typed in. */
export interface UispServerCard {
  key: string
  host: string
  version: string | null
  foundBy: string
}

/** Discovered `uisp-server` cards and servers Keyward knows, one card per `host:port`. */
export function uispServerCards(
  inventory: InventoryItem[],
  known: UispServerRecord[],
  typed: string[],
): UispServerCard[] {
  const cards = new Map<string, UispServerCard>()
  for (const item of inventory) {
    if (item.kind !== 'uisp-server' || !item.address) continue
    const key = addressKey(item.address, item.httpsPort ?? 443)
    cards.set(key, {
      key,
      host: item.address,
      version: item.uisp?.version ?? item.version,
      foundBy: item.manual ? 'Address you entered' : 'Found on the network',
    })
  }
  for (const s of known) {
    if (!cards.has(s.key))
      cards.set(s.key, {
        key: s.key,
        host: s.host,
        version: s.version,
        foundBy: typed.includes(s.key) ? 'Address you entered' : 'Checked before',
      })
  }
  return [...cards.values()].sort((a, b) => a.key.localeCompare(b.key, undefined, { numeric: true }))
}

export interface UispWizardPersisted {
  step: UispStep
  selectedKey: string | null
  probe: UispProbe | null
  /** Server key → the fingerprint the user confirmed. */
  confirmed: Record<string, string>
  signedIn: { key: string; username: string; role: string | null } | null
  purpose: UispTokenPurpose
  name: string
  outcome: UispTokenOutcomeView | null
}

export interface UispWizardState extends UispWizardPersisted {
  inventory: InventoryItem[]
  known: UispServerRecord[]
  typed: string[]
  plan: UispTokenPlan | null
  busy: boolean
  error: KeywardError | null
  manualError: KeywardError | null

  start(): void
  load(): Promise<void>
  select(key: string): void
  addAddress(address: string): Promise<boolean>
  continueWith(key: string): Promise<void>
  acceptCertificate(): Promise<void>
  signIn(input: { username: string; password: string; mfaCode?: string }): Promise<Outcome<UispSignInResult>>
  loadPlan(): Promise<void>
  choose(purpose: UispTokenPurpose): void
  setName(name: string): void
  create(): Promise<void>
  resume(): Promise<void>
  goTo(step: UispStep): void
  startOver(): void
}

export const UISP_WIZARD_STORAGE_KEY = 'keyward.wizard.uisp'

const initial = (confirmed: Record<string, string> = {}): UispWizardPersisted => ({
  step: 'off',
  selectedKey: null,
  probe: null,
  confirmed,
  signedIn: null,
  purpose: 'monitor',
  name: 'keyward-monitor',
  outcome: null,
})

export function createUispWizardStore(api: KeywardApi, storage: StateStorage = localStorage) {
  return create<UispWizardState>()(
    persist(
      (set, get) => {
        api.on('inventory.changed', (inventory) => set({ inventory }))

        const refreshKnown = async () => {
          const known = await api.uisp.servers({})
          if (known.ok) set({ known: known.value })
        }

        const afterCreate = (outcome: UispTokenOutcomeView) => {
          set({
            outcome,
            busy: false,
            error: null,
            step: outcome.failure === null && outcome.check?.status === 'ok' ? 'done' : 'run',
          })
        }

        return {
          ...initial(),
          inventory: [],
          known: [],
          typed: [],
          plan: null,
          busy: false,
          error: null,
          manualError: null,

          start() {
            set({ step: 'find', error: null })
            void get().load()
          },

          async load() {
            await refreshKnown()
            // Discovery finds UISP servers only with the HTTPS sweep; what it has is shown, typing always works.
            const status = await api.discovery.status({})
            if (status.ok && !status.value.running) await api.discovery.start({})
            const inventory = await api.inventory.list({})
            if (inventory.ok) set({ inventory: inventory.value })
            const cards = uispServerCards(get().inventory, get().known, get().typed)
            if (!get().selectedKey && cards.length === 1) set({ selectedKey: cards[0]!.key })
          },

          select(key) {
            set({ selectedKey: key, error: null })
          },

          async addAddress(address) {
            set({ manualError: null })
            const outcome = await api.uisp.probe({ address })
            if (!outcome.ok) {
              set({ manualError: outcome.error })
              return false
            }
            const key = outcome.value.address.key
            void api.inventory.addManual({ address: key })
            set((s) => ({ typed: [...new Set([...s.typed, key])], selectedKey: key, probe: outcome.value }))
            await refreshKnown()
            return true
          },

          async continueWith(key) {
            if (get().busy) return
            set({ busy: true, error: null, selectedKey: key })
            // Always a fresh look: a certificate that changed shows now, not after the password.
            const outcome = await api.uisp.probe({ address: key })
            if (!outcome.ok) {
              set({ busy: false, error: outcome.error })
              return
            }
            const probe = outcome.value
            const confirmed = probe.trust !== 'changed' && get().confirmed[key] === probe.certificate.sha256
            const sameServer = get().signedIn?.key === key
            set({
              busy: false,
              probe,
              step: confirmed ? 'signin' : 'trust',
              ...(sameServer ? {} : { signedIn: null, plan: null, outcome: null }),
            })
            await refreshKnown()
          },

          async acceptCertificate() {
            const probe = get().probe
            if (!probe) return
            // Every confirmation goes to the core: it sends no credential to a server the user has not confirmed.
            set({ busy: true, error: null })
            const outcome = await api.uisp.trust({ key: probe.address.key, sha256: probe.certificate.sha256 })
            if (!outcome.ok) {
              set({ busy: false, error: outcome.error })
              return
            }
            set((s) => ({
              busy: false,
              error: null,
              confirmed: { ...s.confirmed, [probe.address.key]: probe.certificate.sha256 },
              probe: { ...probe, trust: 'matches' },
              step: 'signin',
            }))
          },

          async signIn({ username, password, mfaCode }) {
            const probe = get().probe
            if (!probe) return { ok: false, error: { code: 'invalid-input', message: 'Choose a UISP server first.' } }
            const key = probe.address.key
            const outcome = await api.uisp.signIn(
              mfaCode ? { key, username, password, mfaCode } : { key, username, password },
            )
            if (outcome.ok && outcome.value.state === 'signed-in') {
              set({ signedIn: { key, ...outcome.value.user }, step: 'purpose', error: null })
              void get().loadPlan()
            }
            const code = outcome.ok ? null : outcome.error.code
            if (code === 'certificate-changed' || code === 'certificate-unconfirmed') {
              const again = await api.uisp.probe({ address: key })
              if (again.ok) set({ probe: again.value, step: 'trust' })
            }
            return outcome
          },

          async loadPlan() {
            const key = get().signedIn?.key
            if (!key) return
            set({ busy: true, error: null })
            const plan = await api.uisp.plan({ key })
            if (!plan.ok) {
              // The session ended (a restart, a closed window): sign in again.
              set({
                busy: false,
                error: plan.error,
                ...(plan.error.code === 'session-expired' ? { step: 'signin', signedIn: null } : {}),
              })
              return
            }
            const current = plan.value.purposes.find((p) => p.purpose === get().purpose)
            const usable = current?.allowed ? current : plan.value.purposes.find((p) => p.allowed)
            set({
              busy: false,
              plan: plan.value,
              ...(usable && usable.purpose !== get().purpose
                ? { purpose: usable.purpose, name: usable.suggestedName }
                : {}),
            })
          },

          choose(purpose) {
            const { plan, name, purpose: before } = get()
            const suggested = (p: UispTokenPurpose) => plan?.purposes.find((x) => x.purpose === p)?.suggestedName
            // A name the user did not change follows the purpose.
            set({ purpose, ...(name === suggested(before) ? { name: suggested(purpose) ?? name } : {}) })
          },

          setName(name) {
            set({ name })
          },

          async create() {
            const { signedIn, purpose, name, busy } = get()
            if (!signedIn || busy) return
            set({ step: 'run', busy: true, error: null, outcome: null })
            const outcome = await api.uisp.createToken({ key: signedIn.key, purpose, name: name.trim() })
            if (outcome.ok) afterCreate(outcome.value)
            else
              set({
                busy: false,
                error: outcome.error,
                ...(outcome.error.code === 'session-expired' ? { step: 'signin', signedIn: null } : {}),
              })
          },

          async resume() {
            const id = get().outcome?.record.id
            if (!id || get().busy) return
            set({ busy: true, error: null })
            const outcome = await api.uisp.resumeToken({ id })
            if (outcome.ok) afterCreate(outcome.value)
            else
              set({
                busy: false,
                error: outcome.error,
                ...(outcome.error.code === 'session-expired' ? { step: 'signin', signedIn: null } : {}),
              })
          },

          goTo(step) {
            set({ step, error: null })
          },

          startOver() {
            set({ ...initial(get().confirmed), plan: null, busy: false, error: null, manualError: null })
          },
        }
      },
      {
        name: UISP_WIZARD_STORAGE_KEY,
        version: 1,
        storage: createJSONStorage(() => storage),
        partialize: (s): UispWizardPersisted => ({
          step: s.step,
          selectedKey: s.selectedKey,
          probe: s.probe,
          confirmed: s.confirmed,
          signedIn: s.signedIn,
          purpose: s.purpose,
          name: s.name,
          outcome: s.outcome,
        }),
        // A step that was running when the window closed comes back as the purpose screen (the outcome, if any, stays).
        merge: (persisted, current) => {
          const p = (persisted ?? {}) as Partial<UispWizardPersisted>
          const step = p.step === 'run' && !p.outcome ? 'purpose' : p.step
          return { ...current, ...p, ...(step ? { step } : {}) }
        },
      },
    ),
  )
}

export type UispWizardStore = ReturnType<typeof createUispWizardStore>
