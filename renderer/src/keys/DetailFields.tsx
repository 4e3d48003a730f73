// A key's fields in the detail pane: where it lives, whose it is and what it may do, the masked
// key, and its dates (created, last verified, last used, expiry), then the Home Assistants fed by it.
import type { HaSummary, KeyView } from '../../../shared/domain.ts'
import { appShort } from '../wizard/model.ts'
import { accessLabel, formatAgo, formatDateTime, formatShortDate, haLabel, hostLabel, usageLabel } from './model.ts'

export function DetailFields({ keyView, ha, now }: { keyView: KeyView; ha: HaSummary[]; now: number }) {
  return (
    <dl className="key-fields">
      <WhatFields keyView={keyView} />
      <WhenFields keyView={keyView} ha={ha} now={now} />
    </dl>
  )
}

/** Where the key lives, whose it is and what it may do, and the masked key. */
function WhatFields({ keyView: k }: { keyView: KeyView }) {
  const access = accessLabel(k)
  return (
    <>
      <div>
        <dt>Console</dt>
        <dd className="col-host">
          <span className="host-name">{hostLabel(k)}</span>{' '}
          <span className="mono muted host-address">{k.consoleKey}</span>
        </dd>
      </div>
      <div>
        <dt>App</dt>
        <dd>{appShort(k.app)}</dd>
      </div>
      <div>
        <dt>User · role</dt>
        <dd className="col-user">
          <span className="mono block">{k.username}</span>
          <span className="key-access muted block" data-testid="key-access" title={access?.full}>
            {access ? [access.role, access.scopes].filter(Boolean).join(' · ') : 'role not known'}
          </span>
          {k.dedicatedUser && (
            <span className="muted block" data-testid="key-user-made">
              Keyward created this user
              {k.dedicatedUser.sharedWith.length > 0
                ? `; ${k.dedicatedUser.sharedWith.map((o) => `“${o.name}”`).join(', ')} also use${k.dedicatedUser.sharedWith.length === 1 ? 's' : ''} it`
                : ''}
              .
            </span>
          )}
        </dd>
      </div>
      <div>
        <dt>Key</dt>
        <dd className="mono" data-testid="masked-key">
          {k.masked}
        </dd>
      </div>
    </>
  )
}

/** Its dates (created, last verified, last used, expiry) and the Home Assistants it feeds. */
function WhenFields({ keyView: k, ha, now }: { keyView: KeyView; ha: HaSummary[]; now: number }) {
  const used = usageLabel(k, now)
  const check = k.lastCheck
  const fed = ha.filter((h) => k.pushedTo.includes(h.id))
  return (
    <>
      <div>
        <dt>Created</dt>
        <dd>
          <time dateTime={k.createdAt} title={formatDateTime(k.createdAt)}>
            {formatShortDate(k.createdAt, now)}
          </time>
        </dd>
      </div>
      <div>
        <dt>Last verified</dt>
        <dd data-testid="detail-verified">
          {check ? (
            <time dateTime={check.checkedAt} title={formatDateTime(check.checkedAt)}>
              {formatAgo(check.checkedAt, Math.max(now, Date.parse(check.checkedAt)))}
              {check.status === 'failed' ? ' (failed)' : ''}
            </time>
          ) : (
            <span className="muted">not yet</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Last used</dt>
        <dd data-testid="last-used" title={used.title}>
          {used.muted ? (
            <span className="muted">{used.text}</span>
          ) : (
            <time dateTime={k.usage!.lastUsedAt!}>{used.text}</time>
          )}
          {used.note && <span className="muted"> ({used.note})</span>}
        </dd>
      </div>
      <div>
        <dt>Expires</dt>
        <dd className="col-expires">
          {k.expiresAt ? (
            <time dateTime={k.expiresAt} title={formatDateTime(k.expiresAt)}>
              {formatShortDate(k.expiresAt, now)}
            </time>
          ) : (
            <span className="muted">never</span>
          )}
        </dd>
      </div>
      {k.app !== 'uisp' && (
        <div>
          <dt>Home Assistant</dt>
          <dd data-testid="key-consumers">
            {fed.length > 0 ? fed.map(haLabel).join(', ') : <span className="muted">not sent to one yet</span>}
          </dd>
        </div>
      )}
    </>
  )
}
