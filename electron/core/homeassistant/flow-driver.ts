// The config-flow driver the Protect and Access pushes share (home-assistant.md §1.1, §1.2): it reads
// whatever HA returns (form / menu / abort / create_entry) and fills forms by the field names in
// `data_schema`, so the ≤ 2026.8 form and the 2026.9 menu take the same path (§2.2). A run's state is
// explicit: the current step, the mode the menu or form chose, and the steps already submitted (a form
// shown again is HA saying no). Flows Keyward starts are deleted when they fail (§1.5: an open
// reconfigure flow blocks HA's own reauth); HA's reauth flows are left for the user.
import { consoleLabel } from '../../../shared/labels.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { HomeAssistantClient } from './client.ts'
import { APP_LABEL, formErrorsFailure, type ErrorContext } from './errors.ts'
import { deleteFlow, flowCall, flowPath } from './flow-rest.ts'
import { fillForm, menuOptions, pickMenuOption, type FormValues } from './forms.ts'
import { HomeAssistantFailure, type HaConsoleRef, type HaFlowResult } from './types.ts'

export type FlowMode = 'full' | 'api_key'
export type FlowForm = Extract<HaFlowResult, { type: 'form' }>
type FlowMenu = Extract<HaFlowResult, { type: 'menu' }>

export interface DriveOptions {
  ctx: ErrorContext
  /** Values by HA field name for the given step (the mode may change them). */
  valuesFor: (stepId: string, mode: FlowMode | null) => FormValues
  /** Menu choice for 2026.9+ (§2.2). */
  want: FlowMode
  /** Delete the flow on failure (flows Keyward started). */
  own: boolean
  /** Checked on every form before it is submitted (e.g. "≤ 2026.8 needs credentials"). */
  beforeSubmit?: (form: FlowForm, missing: string[]) => void
  onForm?: (form: FlowForm) => void
}

export interface Driven {
  result: Extract<HaFlowResult, { type: 'abort' | 'create_entry' }>
  mode: FlowMode | null
}

const MAX_STEPS = 6

/** A key or token HA could take: printable ASCII, 8 to 512 characters. */
export const KEY_SHAPE = /^[\x21-\x7e]{8,512}$/

/** HA wants a bare host (§7: core #150620 "http:// in host" → cannot connect) and a real port. */
export function checkConsole(c: HaConsoleRef): void {
  if (!c.host || /[/\s@?#]/.test(c.host) || /^[a-z][a-z0-9+.-]*:\/\//i.test(c.host)) {
    throw new KeywardFailure('invalid-input', `"${c.host}" is not a bare host name or IP address.`)
  }
  if (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535)
    throw new KeywardFailure('invalid-input', `Port ${c.port} is outside 1–65535.`)
}

/** What a push's failures name: the integration, the console and where HA reaches it, HA's version. */
export function errorContext(ha: HomeAssistantClient, domain: string, c: HaConsoleRef): ErrorContext {
  return { domain, consoleLabel: consoleLabel(c), host: c.host, port: c.port, haVersion: ha.haVersion }
}

/**
 * A `progress`/`external` step (§1.2 result types) only HA's own window can wait on. A flow Keyward started
 * is deleted when the run fails (`drive`), so the sentence must not send the user to finish it.
 */
function ownWindow(type: string, opts: DriveOptions): string {
  const app = APP_LABEL[opts.ctx.domain] ?? opts.ctx.domain
  return opts.own
    ? `Home Assistant wants to finish this ${app} setup in its own window (${type} step), which Keyward cannot do from outside, so Keyward closed the setup it had started. Add ${app} in Home Assistant (Settings → Devices & services → Add integration); "Copy fields" has what to type.`
    : `Home Assistant wants to continue this ${app} setup in its own window (${type} step). Finish it there: Settings → Devices & services.`
}

/** One run of a flow, step by step, until HA aborts or creates the entry. */
class FlowRun {
  current: HaFlowResult
  mode: FlowMode | null = null
  readonly #submitted = new Set<string>()

  constructor(
    private readonly ha: HomeAssistantClient,
    first: HaFlowResult,
    private readonly opts: DriveOptions,
  ) {
    this.current = first
  }

  async run(): Promise<Driven> {
    for (let step = 0; step < MAX_STEPS; step++) {
      const current = this.current
      switch (current.type) {
        case 'abort':
        case 'create_entry':
          return { result: current, mode: this.mode }
        case 'menu':
          this.current = await this.#menu(current)
          break
        case 'form':
          this.current = await this.#form(current)
          break
        default:
          throw new HomeAssistantFailure('refused', 'needs_ui', ownWindow(current.type, this.opts), current.type)
      }
    }
    throw new HomeAssistantFailure(
      'refused',
      'needs_ui',
      'Home Assistant kept asking for more steps than Keyward expects.',
    )
  }

  /** 2026.9+ menus: the option for the wanted mode, or a plain refusal naming what HA offers. */
  async #menu(menu: FlowMenu): Promise<HaFlowResult> {
    const { ctx, want } = this.opts
    const options = menuOptions(menu)
    const choice = pickMenuOption(options, want)
    if (!choice) {
      throw new HomeAssistantFailure(
        'refused',
        want === 'full' ? 'schema_mismatch' : 'needs_credentials',
        `Home Assistant offers ${options.join(', ') || 'no options'} for ${APP_LABEL[ctx.domain] ?? ctx.domain}, not the ${want === 'full' ? 'full' : 'API-key-only'} setup Keyward needs.`,
        `menu ${menu.step_id}: ${options.join(',')}`.slice(0, 200),
      )
    }
    this.mode = choice.endsWith('api_key') ? 'api_key' : 'full'
    return flowCall(this.ha, 'POST', flowPath(menu.flow_id), { next_step_id: choice }, `menu ${menu.step_id}`, ctx)
  }

  /** A form: filled by field name; shown again after submitting, it carries HA's reason. */
  async #form(form: FlowForm): Promise<HaFlowResult> {
    const { opts } = this
    if (this.#submitted.has(form.step_id)) throw this.#shownAgain(form)
    opts.onForm?.(form)
    const names = new Set(form.data_schema.map((f) => f.name))
    if (this.mode === null && names.has('api_key')) this.mode = names.has('username') ? 'full' : 'api_key'
    const filled = fillForm(form.data_schema, opts.valuesFor(form.step_id, this.mode))
    opts.beforeSubmit?.(form, filled.missing)
    if (filled.missing.length > 0) {
      throw new HomeAssistantFailure(
        'invalid-input',
        'schema_mismatch',
        `Home Assistant asks for ${filled.missing.join(', ')} in the "${form.step_id}" step, which Keyward cannot fill. Use "Copy fields" and finish in Home Assistant.`,
        `${form.step_id}: missing ${filled.missing.join(',')}`.slice(0, 200),
      )
    }
    this.#submitted.add(form.step_id)
    return flowCall(this.ha, 'POST', flowPath(form.flow_id), filled.input, `step ${form.step_id}`, opts.ctx)
  }

  #shownAgain(form: FlowForm): HomeAssistantFailure {
    const errors = form.errors ?? {}
    if (Object.keys(errors).length > 0)
      return formErrorsFailure(errors, {
        ...this.opts.ctx,
        apiKeyOnly: this.mode === 'api_key' || !form.data_schema.some((f) => f.name === 'username'),
      })
    return new HomeAssistantFailure(
      'refused',
      'needs_ui',
      `Home Assistant showed the "${form.step_id}" step again without saying why.`,
    )
  }
}

/** Drives a flow from `first` to its end; a flow Keyward started is deleted when the run fails. */
export async function drive(ha: HomeAssistantClient, first: HaFlowResult, opts: DriveOptions): Promise<Driven> {
  const run = new FlowRun(ha, first, opts)
  try {
    return await run.run()
  } catch (error) {
    if (opts.own && run.current.flow_id) await deleteFlow(ha, run.current.flow_id)
    throw error
  }
}
