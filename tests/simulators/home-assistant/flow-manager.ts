// The fake HA's config-flow manager: result shapes (§1.2), the REST error
// bodies (§1.1), schema checks before a step runs (InvalidData → 400
// {"errors":…}), entries created and set up on create_entry, reauth flows and
// their repair issues (§1.5).
import type { HaSimState, SchemaField, SimEntry, SimFlow, SimFlowContext } from './state.ts'
import { deviceIdFor, entryFragment, ulid } from './state.ts'

export type StepResult =
  | {
      type: 'form'
      step_id: string
      schema: SchemaField[]
      errors?: Record<string, string>
      placeholders?: Record<string, string>
    }
  | { type: 'menu'; step_id: string; options: string[]; placeholders?: Record<string, string> }
  | { type: 'abort'; reason: string; placeholders?: Record<string, string> }
  | { type: 'create_entry'; title: string; data: Record<string, unknown>; unique_id: string | null }
  /** `async_show_progress` (§1.2 result types): a background task the frontend waits on. */
  | { type: 'progress'; step_id: string; action: string }

export interface StepContext {
  state: HaSimState
  flow: SimFlow
  manager: FlowManager
  entry(): SimEntry
}

export type StepFn = (ctx: StepContext, input?: Record<string, unknown>) => Promise<StepResult>

export interface SetupOutcome {
  state: 'loaded' | 'setup_error' | 'setup_retry'
  reason?: string
  translationKey?: string
  /** ConfigEntryAuthFailed → reauth flow + repair issue. */
  reauth?: boolean
  /** Device to register (unifiprotect's NVR). */
  device?: { mac: string; name: string; model: string | null; url: string | null }
}

export interface IntegrationHandler {
  domain: string
  /** For UnknownStep's message: "Handler <Class> doesn't support step <step_id>". */
  className: string
  steps: Record<string, StepFn>
  setup(state: HaSimState, entry: SimEntry): Promise<SetupOutcome>
  /** Reauth placeholders, e.g. unifiprotect's {name, ip_address} (§1.3). */
  reauthPlaceholders?(entry: SimEntry): Record<string, string>
}

export class FlowError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly text?: string,
  ) {
    super(
      typeof body === 'object' && body && 'message' in body
        ? String((body as { message: unknown }).message)
        : 'flow error',
    )
  }
}

/** voluptuous_serialize output with selectors for password/port/bool (§1.2). */
export function serializeSchema(schema: SchemaField[]): Record<string, unknown>[] {
  return schema.map((f) => {
    const base: Record<string, unknown> = { name: f.name, ...(f.required ? { required: true } : { optional: true }) }
    if (f.default !== undefined) base.default = f.default
    if (f.suggested !== undefined) base.description = { suggested_value: f.suggested }
    switch (f.kind) {
      case 'string':
        return { ...base, type: 'string' }
      case 'password':
        return { ...base, selector: { text: { type: 'password', multiline: false, multiple: false } } }
      case 'port':
        return { ...base, selector: { number: { min: 1, max: 65535, mode: 'box', step: 1 } } }
      case 'boolean':
        return { ...base, selector: { boolean: {} } }
      case 'select':
        return { ...base, type: 'select', options: f.options ?? [] }
    }
  })
}

/** Schema check before the step (§1.1 InvalidData); voluptuous default texts [inferred]. */
export function validateInput(
  schema: SchemaField[],
  input: Record<string, unknown>,
): { ok: true; data: Record<string, unknown> } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const data: Record<string, unknown> = {}
  const known = new Set(schema.map((f) => f.name))
  for (const key of Object.keys(input)) if (!known.has(key)) errors[key] = 'extra keys not allowed'
  for (const f of schema) {
    let value = input[f.name]
    if (value === undefined) {
      if (f.default !== undefined) value = f.default
      else if (f.required) {
        errors[f.name] = 'required key not provided'
        continue
      } else continue
    }
    switch (f.kind) {
      case 'string':
      case 'password':
        if (typeof value !== 'string') errors[f.name] = 'expected str'
        break
      case 'port':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535)
          errors[f.name] = 'value must be at most 65535'
        break
      case 'boolean':
        if (typeof value !== 'boolean') errors[f.name] = 'expected bool'
        break
      case 'select':
        if (typeof value !== 'string' || !(f.options ?? []).some(([v]) => v === value))
          errors[f.name] = 'value must be one of the options'
        break
    }
    data[f.name] = value
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, data }
}

export class FlowManager {
  constructor(
    readonly state: HaSimState,
    readonly handlers: Map<string, IntegrationHandler>,
  ) {}

  handlerFor(domain: string): IntegrationHandler {
    const handler = this.handlers.get(domain)
    if (!handler) throw new FlowError(404, { message: 'Invalid handler specified' })
    return handler
  }

  private ctx(flow: SimFlow): StepContext {
    return {
      state: this.state,
      flow,
      manager: this,
      entry: () => {
        const entry = flow.context.entry_id ? this.state.entries.get(flow.context.entry_id) : undefined
        if (!entry) throw new FlowError(404, { message: 'Invalid entry specified' })
        return entry
      },
    }
  }

  private async runStep(
    flow: SimFlow,
    stepId: string,
    input?: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const handler = this.handlerFor(flow.handler)
    const fn = handler.steps[stepId]
    if (!fn) {
      this.state.flows.delete(flow.flow_id)
      throw new FlowError(400, { message: `Handler ${handler.className} doesn't support step ${stepId}` })
    }
    const result = await fn(this.ctx(flow), input)
    return this.present(flow, result)
  }

  /** Turns a step result into the REST/WS JSON (§1.2) and applies it. */
  private async present(flow: SimFlow, result: StepResult): Promise<Record<string, unknown>> {
    const base = { flow_id: flow.flow_id, handler: flow.handler }
    switch (result.type) {
      case 'form':
        flow.step_id = result.step_id
        flow.shown = { kind: 'form', schema: result.schema }
        return {
          type: 'form',
          ...base,
          step_id: result.step_id,
          data_schema: serializeSchema(result.schema),
          errors: result.errors && Object.keys(result.errors).length > 0 ? result.errors : null,
          description_placeholders: result.placeholders ?? null,
          last_step: null,
          preview: null,
        }
      case 'menu':
        flow.step_id = result.step_id
        flow.shown = { kind: 'menu', options: result.options }
        return {
          type: 'menu',
          ...base,
          step_id: result.step_id,
          data_schema: [
            { name: 'next_step_id', required: true, type: 'select', options: result.options.map((o) => [o, o]) },
          ],
          menu_options:
            this.state.config.menuOptionsShape === 'dict'
              ? Object.fromEntries(result.options.map((o) => [o, o.replace(/_/g, ' ')]))
              : result.options,
          description_placeholders: result.placeholders ?? null,
        }
      case 'progress':
        flow.step_id = result.step_id
        return {
          type: 'progress',
          ...base,
          step_id: result.step_id,
          progress_action: result.action,
          description_placeholders: null,
        }
      case 'abort':
        this.finish(flow)
        return { type: 'abort', ...base, reason: result.reason, description_placeholders: result.placeholders ?? null }
      case 'create_entry': {
        this.finish(flow)
        // async_finish_flow aborts the other flows of the same unique_id (e.g. the discovery).
        for (const other of [...this.state.flows.values()])
          if (other.handler === flow.handler && result.unique_id && other.context.unique_id === result.unique_id)
            this.finish(other)
        const entry = await this.addEntry(flow, result)
        return {
          type: 'create_entry',
          ...base,
          title: result.title,
          version: 2,
          minor_version: 1,
          description: null,
          description_placeholders: null,
          options: {},
          subentries: [],
          result: entryFragment(entry),
        }
      }
    }
  }

  /**
   * HA's `async_set_unique_id` (raise_on_progress, the default): another flow of the handler with
   * the same unique_id, e.g. a discovered console waiting at `discovery_confirm` (§2.6), makes this
   * one abort `already_in_progress` [HA's standard behaviour; the reference lists the discovery flow].
   */
  uniqueIdInProgress(flow: SimFlow, uniqueId: string): boolean {
    const norm = (v: string | null | undefined) => (v ?? '').replace(/[^0-9a-z]/gi, '').toUpperCase()
    return [...this.state.flows.values()].some(
      (f) =>
        f !== flow &&
        f.handler === flow.handler &&
        !!f.context.unique_id &&
        norm(f.context.unique_id) === norm(uniqueId),
    )
  }

  /** A discovery of `domain` (§2.6 `integration_discovery`): the flow then waits at `discovery_confirm`. */
  async discover(domain: string, info: { host: string; mac: string; name: string }): Promise<Record<string, unknown>> {
    return this.start(
      domain,
      {
        source: 'integration_discovery',
        unique_id: info.mac.replace(/[^0-9a-f]/gi, '').toUpperCase(),
        title_placeholders: { name: info.name, ip_address: info.host },
      },
      info,
    )
  }

  /** Removes the flow, and the repair issue of a reauth flow (§1.5 async_finish_flow). */
  finish(flow: SimFlow): void {
    this.state.flows.delete(flow.flow_id)
    if (flow.context.source === 'reauth' && flow.context.entry_id) {
      this.state.issues.delete(`config_entry_reauth_${flow.handler}_${flow.context.entry_id}`)
    }
  }

  async start(
    domain: string,
    context: SimFlowContext,
    data?: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    this.handlerFor(domain)
    if (context.entry_id !== undefined && !this.state.entries.has(context.entry_id)) {
      // [inferred] HA's UnknownEntry for a bad entry_id.
      throw new FlowError(404, { message: 'Invalid entry specified' })
    }
    const flow: SimFlow = {
      flow_id: ulid(this.state.clock()),
      handler: domain,
      context,
      step_id: context.source,
      shown: { kind: 'form', schema: [] },
    }
    this.state.flows.set(flow.flow_id, flow)
    const first = await this.runStep(flow, context.source, data)
    const fromOutside = context.source === 'user' || context.source === 'reconfigure'
    return fromOutside && this.state.config.startReplyType === 'unknown' ? { ...first, type: 'wizard' } : first
  }

  /** GET /flow/{id}: re-runs the current step without input (§1.1). */
  async current(flowId: string): Promise<Record<string, unknown>> {
    const flow = this.state.flows.get(flowId)
    if (!flow) throw new FlowError(404, { message: 'Invalid flow specified' })
    return this.runStep(flow, flow.step_id)
  }

  async configure(flowId: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const flow = this.state.flows.get(flowId)
    if (!flow) throw new FlowError(404, { message: 'Invalid flow specified' })
    if (flow.shown.kind === 'menu') {
      const choice = input.next_step_id
      const extra = Object.keys(input).filter((k) => k !== 'next_step_id')
      if (typeof choice !== 'string' || !flow.shown.options.includes(choice) || extra.length > 0) {
        throw new FlowError(400, {
          errors: { next_step_id: `value must be one of [${flow.shown.options.map((o) => `'${o}'`).join(', ')}]` },
        })
      }
      return this.runStep(flow, choice)
    }
    const checked = validateInput(flow.shown.schema, input)
    if (!checked.ok) throw new FlowError(400, { errors: checked.errors })
    return this.runStep(flow, flow.step_id, checked.data)
  }

  abort(flowId: string): void {
    const flow = this.state.flows.get(flowId)
    if (!flow) throw new FlowError(404, { message: 'Invalid flow specified' })
    this.finish(flow)
  }

  private async addEntry(flow: SimFlow, result: Extract<StepResult, { type: 'create_entry' }>): Promise<SimEntry> {
    const now = this.state.clock()
    const entry: SimEntry = {
      entry_id: ulid(now),
      domain: flow.handler,
      title: result.title,
      source: flow.context.source,
      unique_id: result.unique_id,
      data: result.data,
      state: 'not_loaded',
      reason: null,
      error_reason_translation_key: null,
      error_reason_translation_placeholders: null,
      created_at: now,
      modified_at: now,
      disabled_by: null,
      supports_reconfigure: 'reconfigure' in this.handlerFor(flow.handler).steps,
    }
    this.state.entries.set(entry.entry_id, entry)
    await this.setupEntry(entry)
    return entry
  }

  /** Updates an entry's data and reloads it (async_update_reload_and_abort). */
  async updateAndReload(entry: SimEntry, data: Record<string, unknown>): Promise<void> {
    entry.data = data
    entry.modified_at = this.state.clock()
    const later = this.state.config.reloadAfterUpdate
    if (later === 'awaited') return this.setupEntry(entry)
    // HA's `async_schedule_reload`: the abort goes out while the entry is still being unloaded.
    entry.state = 'unload_in_progress'
    setTimeout(() => void this.setupEntry(entry).catch(() => {}), later).unref()
  }

  /** Sets the entry up and applies the outcome: state, reason, reauth + repair issue (§1.4, §1.5). */
  async setupEntry(entry: SimEntry): Promise<void> {
    const handler = this.handlerFor(entry.domain)
    entry.state = 'setup_in_progress'
    const outcome = await handler.setup(this.state, entry)
    entry.state = outcome.state
    entry.reason = outcome.reason ?? null
    entry.error_reason_translation_key = outcome.translationKey ?? null
    entry.error_reason_translation_placeholders = null
    if (outcome.device) {
      const id = deviceIdFor(entry.domain, outcome.device.mac)
      const pretty = outcome.device.mac
        .toLowerCase()
        .replace(/[^0-9a-f]/g, '')
        .replace(/(..)(?!$)/g, '$1:')
      this.state.devices.set(id, {
        id,
        config_entries: [entry.entry_id],
        connections: [['mac', pretty]],
        identifiers: [[entry.domain, outcome.device.mac]],
        name: outcome.device.name,
        manufacturer: 'Ubiquiti',
        model: outcome.device.model,
        configuration_url: outcome.device.url,
      })
    }
    if (outcome.reauth) await this.startReauth(entry, handler)
  }

  /** `async_start_reauth` (§1.5): refused while a reauth or reconfigure flow is active for the entry. */
  async startReauth(entry: SimEntry, handler: IntegrationHandler): Promise<void> {
    for (const flow of this.state.flows.values()) {
      if (
        flow.context.entry_id === entry.entry_id &&
        (flow.context.source === 'reauth' || flow.context.source === 'reconfigure')
      )
        return
    }
    if (!('reauth' in handler.steps)) return
    const placeholders = handler.reauthPlaceholders?.(entry) ?? { name: entry.title }
    const flow: SimFlow = {
      flow_id: ulid(this.state.clock()),
      handler: entry.domain,
      context: {
        source: 'reauth',
        entry_id: entry.entry_id,
        unique_id: entry.unique_id,
        title_placeholders: placeholders,
      },
      step_id: 'reauth',
      shown: { kind: 'form', schema: [] },
    }
    this.state.flows.set(flow.flow_id, flow)
    await this.runStep(flow, 'reauth', entry.data)
    const issueId = `config_entry_reauth_${entry.domain}_${entry.entry_id}`
    this.state.issues.set(issueId, {
      domain: 'homeassistant',
      issue_id: issueId,
      issue_domain: entry.domain,
      is_fixable: false,
      severity: 'error',
      translation_key: 'config_entry_reauth',
      translation_placeholders: { name: entry.title },
      data: { flow_id: flow.flow_id },
      created: new Date(this.state.clock()).toISOString(),
    })
  }

  /** In-progress flows except source user/reconfigure (§1.3 `config_entries/flow/progress`). */
  progress(): Record<string, unknown>[] {
    return [...this.state.flows.values()]
      .filter((f) => f.context.source !== 'user' && f.context.source !== 'reconfigure')
      .map((f) => ({ flow_id: f.flow_id, handler: f.handler, step_id: f.step_id, context: f.context }))
  }
}
