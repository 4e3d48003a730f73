// The home screen when keys exist: what the tray says, in the window. The icon
// state and sentence come from the tray's own model (shared/tray-model.ts), the
// counts from the same statuses, then the last and next check, and what needs
// attention with the button that fixes it.
import { trayOfKeys } from '../../../shared/tray-model.ts'
import { useEffect, useRef } from 'react'
import type { KeyStatus } from '../../../shared/domain.ts'
import { useNow } from '../hooks.ts'
import { useKeys } from '../keys/context.ts'
import { clockTime } from '../format.ts'
import { formatDateTime } from '../keys/model.ts'
import type { TrayModel } from '../../../shared/tray.ts'
import type { View } from '../route.ts'
import type { KeywardStore } from '../store.ts'
import {
  attention,
  HEADLINE,
  relativeFuture,
  statusCounts,
  sweepTimes,
  TILE_LABEL,
  TILE_ORDER,
  trayLine,
  type Attention,
} from './model.ts'
import { useSweepSchedule } from './schedule.ts'

const TONE: Record<KeyStatus, string> = {
  failing: 'danger',
  expired: 'danger',
  expiring: 'warn',
  unknown: 'warn',
  ok: 'ok',
  paused: 'muted',
}

export function Overview({
  useStore,
  go,
  openKey,
}: {
  useStore: KeywardStore
  go: (view: View) => void
  openKey: (id: string) => void
}) {
  const keys = useKeys((s) => s.keys)
  const loaded = useKeys((s) => s.loaded)
  const ha = useKeys((s) => s.ha)
  const checking = useKeys((s) => s.checkingAll)
  const checkAll = useKeys((s) => s.checkAll)
  const load = useKeys((s) => s.load)
  const vault = useStore((s) => s.vault)
  const schedule = useSweepSchedule()
  const now = useNow(true, 30_000)
  const headingRef = useRef<HTMLHeadingElement>(null)

  useEffect(() => {
    void load()
    headingRef.current?.focus()
  }, [load])

  const tray = trayOfKeys(keys, checking)
  const counts = statusCounts(keys)
  const sweep = sweepTimes(keys, schedule)
  const items = attention(keys, vault, ha)
  const fix = (item: Attention) => (item.kind === 'key' ? openKey(item.keyId) : go('settings'))

  return (
    <div className="overview">
      <section className="panel" aria-labelledby="overview-heading">
        <h2 id="overview-heading" ref={headingRef} tabIndex={-1} className="panel-heading">
          Overview
        </h2>
        <p className="lead">What the tray icon says, with what needs you.</p>
        {loaded && keys.length === 0 && (
          <div className="empty-state" data-testid="overview-empty">
            <p className="empty-title">No keys yet — make one</p>
            <button type="button" className="button primary" onClick={() => go('new')}>
              Make a key
            </button>
          </div>
        )}
        <StatusAtAGlance tray={tray} counts={counts} loaded={loaded} />
        <p className="sweep-line" data-testid="overview-sweep">
          {sweep.last ? `Last checked ${formatDateTime(sweep.last)}` : 'No key has been checked yet'}
          {sweep.next === 'now' && ' · checking now'}
          {typeof sweep.next === 'number' &&
            ` · next check at ${clockTime(sweep.next)} (${relativeFuture(sweep.next, now)})`}
        </p>
        <div className="actions">
          <button
            type="button"
            className="button secondary"
            aria-disabled={checking || keys.every((k) => k.paused) || undefined}
            onClick={() => void checkAll()}
          >
            {checking ? 'Checking…' : 'Check all now'}
          </button>
          <button type="button" className="button secondary" onClick={() => go('keys')}>
            Open the key list
          </button>
        </div>
      </section>
      <NeedsAttention items={items} onFix={fix} />
    </div>
  )
}

function NeedsAttention({ items, onFix }: { items: Attention[]; onFix: (item: Attention) => void }) {
  return (
    <section className="panel" aria-labelledby="attention-heading">
      <h2 id="attention-heading" className="panel-heading">
        Needs attention
      </h2>
      {items.length === 0 ? (
        <p className="muted" data-testid="attention-none">
          Nothing needs you right now.
        </p>
      ) : (
        <ul className="attention-list" aria-labelledby="attention-heading">
          {items.map((item) => (
            <li
              key={item.kind === 'key' ? item.keyId : item.kind === 'home-assistant' ? item.haId : item.kind}
              className={`attention-item tone-${item.kind === 'key' ? TONE[item.status] : 'warn'}`}
              data-testid="attention-item"
            >
              <div className="attention-text">
                <p className="attention-title">{item.title}</p>
                <p className="muted">{item.detail}</p>
              </div>
              <button type="button" className="button small secondary" onClick={() => onFix(item)}>
                {item.fix}
                {item.kind === 'key' && <span className="visually-hidden">: {item.title}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

/** The tray's icon state and sentence, and the keys counted by status. */
function StatusAtAGlance({
  tray,
  counts,
  loaded,
}: {
  tray: TrayModel
  counts: Record<KeyStatus, number>
  loaded: boolean
}) {
  return (
    <>
      <div className={`status-hero icon-${tray.icon}`} data-testid="overview-state" data-icon={tray.icon}>
        <span className="status-dot" aria-hidden="true" />
        <div>
          <p className="status-headline">{loaded ? HEADLINE[tray.icon] : 'Loading the keys…'}</p>
          <p className="muted" data-testid="overview-tray-line">
            {trayLine(tray)}
          </p>
        </div>
      </div>
      <ul className="status-tiles" aria-label="Keys by status">
        {TILE_ORDER.filter((s) => s === 'ok' || counts[s] > 0).map((s) => (
          <li key={s} className={`status-tile tone-${TONE[s]}`} data-testid={`count-${s}`} data-count={counts[s]}>
            <span className="tile-count">{counts[s]}</span> <span className="tile-label">{TILE_LABEL[s]}</span>
          </li>
        ))}
      </ul>
    </>
  )
}
