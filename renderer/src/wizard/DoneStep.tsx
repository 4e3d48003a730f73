import { DoneHomeAssistant } from '../keys/DoneHomeAssistant.tsx'
import { openView } from '../route.ts'
import { useWizard } from './context.ts'
import { appInfo, appShort, credentialOf } from './model.ts'
import { Actions, Callout, Screen } from './parts.tsx'

export function DoneStep() {
  const outcome = useWizard((s) => s.outcome)
  const target = useWizard((s) => s.target)
  const app = useWizard((s) => s.app)
  const startOver = useWizard((s) => s.startOver)
  if (!outcome || !target || !app || outcome.check?.status !== 'ok') {
    return (
      <Screen id="done" title="Nothing to show yet">
        <Actions>
          <button type="button" className="button primary" onClick={startOver}>
            Start over
          </button>
        </Actions>
      </Screen>
    )
  }
  const { record, check, maskedKey } = outcome
  const info = appInfo(app)
  const name = target.name ?? target.host
  const cameras = check.cameras
  const expires = record.expiresAt
    ? new Date(record.expiresAt).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' })
    : null
  return (
    <Screen id="done" title={`Your ${credentialOf(app)} is ready`}>
      <Callout tone="ok" label="Verified">
        <p data-testid="verified">
          <strong>Verified.</strong> {appShort(app)}
          {check.appVersion ? ` ${check.appVersion}` : ''} on {name} accepted it and answered in {check.latencyMs} ms
          {cameras !== undefined ? `; it can see ${cameras} camera${cameras === 1 ? '' : 's'}` : ''}.
        </p>
      </Callout>
      {check.warning && (
        <Callout tone="warn" label="What Home Assistant will miss">
          <p data-testid="verify-warning">{check.warning}</p>
        </Callout>
      )}
      <dl className="facts">
        <dt>{info.credential === 'API key' ? 'Key' : 'Token'}</dt>
        <dd>
          <span className="mono masked" data-testid="masked-key">
            {maskedKey ?? 'stored'}
          </span>
          <span className="hint block">Shown shortened; the full {info.credential} stays in the keychain.</span>
        </dd>
        <dt>Console</dt>
        <dd>
          {name} <span className="mono muted">{target.key}</span>
        </dd>
        {app === 'protect' && cameras !== undefined && (
          <>
            <dt>Cameras</dt>
            <dd data-testid="cameras">{cameras}</dd>
          </>
        )}
        <dt>{appShort(app)} version</dt>
        <dd data-testid="app-version">{check.appVersion ?? 'not reported'}</dd>
        <dt>Answered in</dt>
        <dd>{check.latencyMs} ms</dd>
        <dt>Made by</dt>
        <dd>
          <span className="mono">{record.username}</span>
          {record.mode === 'signed-in-admin' ? ' (your account)' : ' (dedicated local user)'}
        </dd>
        <dt>{info.credential === 'API key' ? 'Key name' : 'Token name'}</dt>
        <dd className="mono">{record.keyName}</dd>
        {app === 'access' && (
          <>
            <dt>Expires</dt>
            <dd data-testid="expires">{expires ?? 'never'}</dd>
          </>
        )}
        <dt>Stored in</dt>
        <dd data-testid="stored-in">
          This computer’s keychain: the {info.credential}
          {record.mode === 'dedicated-user' ? ` and the password of ${record.username}` : ''}. {name} keeps only its own
          copy.
        </dd>
      </dl>
      <DoneHomeAssistant record={record} />
      <Actions>
        <button type="button" className="button primary" onClick={startOver}>
          Make another key
        </button>
        <button type="button" className="button secondary" onClick={() => openView('keys')}>
          See all keys
        </button>
      </Actions>
    </Screen>
  )
}
