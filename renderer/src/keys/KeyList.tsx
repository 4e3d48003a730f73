// The compact key list: one row per key (name with its console under it, app, status, last
// verified) in a listbox, so the whole list is one Tab stop: the arrow keys (Home/End too) move
// between keys, Enter, Space or a click opens one in the detail pane (KeyDetail.tsx).
import { useRef, useState, type KeyboardEvent } from 'react'
import type { KeyView } from '../../../shared/domain.ts'
import { appShort } from '../wizard/model.ts'
import { consoleLine, formatAgo, formatDateTime, STATUS } from './model.ts'

export function KeyList({
  keys,
  all,
  openId,
  now,
  onOpen,
  label,
}: {
  /** The keys shown (filtered and sorted). */
  keys: KeyView[]
  /** Every key, to tell same-named ones apart. */
  all: KeyView[]
  openId: string | null
  now: number
  onOpen: (id: string) => void
  label: string
}) {
  const [active, setActive] = useState<string | null>(openId)
  const listRef = useRef<HTMLUListElement>(null)
  // The roving Tab stop: the open key, else the last one moved to, else the first.
  const current = keys.find((k) => k.id === active)?.id ?? keys.find((k) => k.id === openId)?.id ?? keys[0]?.id ?? null

  const focus = (id: string) => {
    setActive(id)
    listRef.current?.querySelector<HTMLElement>(`[data-key-id="${CSS.escape(id)}"]`)?.focus()
  }

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const index = keys.findIndex((k) => k.id === current)
    const move: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      Home: 0,
      End: keys.length - 1,
    }
    if (event.key in move) {
      event.preventDefault()
      const next = keys[Math.max(0, Math.min(keys.length - 1, move[event.key]!))]
      if (next) focus(next.id)
    } else if ((event.key === 'Enter' || event.key === ' ') && current) {
      event.preventDefault()
      onOpen(current)
    }
  }

  return (
    <ul ref={listRef} className="key-list" role="listbox" aria-label={label} onKeyDown={onKeyDown}>
      {keys.map((k) => (
        <KeyItem
          key={k.id}
          keyView={k}
          twinLabel={consoleLine(k, all)}
          selected={k.id === openId}
          tabStop={k.id === current}
          now={now}
          onOpen={() => {
            setActive(k.id)
            onOpen(k.id)
          }}
        />
      ))}
    </ul>
  )
}

function KeyItem({
  keyView: k,
  twinLabel,
  selected,
  tabStop,
  now,
  onOpen,
}: {
  keyView: KeyView
  twinLabel: string
  selected: boolean
  tabStop: boolean
  now: number
  onOpen: () => void
}) {
  const status = STATUS[k.status]
  const check = k.lastCheck
  return (
    <li
      role="option"
      aria-selected={selected}
      tabIndex={tabStop ? 0 : -1}
      className={`key-item status-${k.status}`}
      data-testid="key-row"
      data-key-id={k.id}
      data-status={k.status}
      onClick={onOpen}
    >
      <span className="key-item-name">
        <span className="key-name" data-testid="key-name">
          {k.name}
        </span>
        <span className="key-item-console muted" data-testid="key-console">
          {twinLabel}
        </span>
      </span>
      <span className="key-item-app col-app">{appShort(k.app)}</span>
      <span className={`status-badge tone-${status.tone}`} data-testid="key-status">
        <span className="status-dot" aria-hidden="true" />
        {status.label}
      </span>
      <span className="key-item-verified muted" data-testid="last-verified">
        {check ? (
          <time dateTime={check.checkedAt} title={formatDateTime(check.checkedAt)}>
            {check.status === 'failed' ? 'failed ' : 'verified '}
            {formatAgo(check.checkedAt, Math.max(now, Date.parse(check.checkedAt)))}
          </time>
        ) : (
          'not verified yet'
        )}
      </span>
    </li>
  )
}
