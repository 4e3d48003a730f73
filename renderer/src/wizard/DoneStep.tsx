// The UniFi path's Done step: the shared Done screen, led by what the user came
// for (Send to Home Assistant and Copy, DoneLead.tsx, issue 17), then the key's facts.
import type { KeyCheckOk, UnifiApp } from '../../../shared/domain.ts'
import type { ProvisionOutcomeView } from '../../../shared/views.ts'
import { openView } from '../route.ts'
import { useWizard } from './context.ts'
import { DoneLead } from './DoneLead.tsx'
import { useStartOver } from './start-over.ts'
import { DoneScreen, longDate, NothingToShow } from './DoneScreen.tsx'
import { appInfo, appShort, credentialOf } from './model.ts'
import { Callout } from './parts.tsx'
import type { Target } from './persisted.ts'

type Verified = ProvisionOutcomeView & { check: KeyCheckOk }

function KeyFacts({ outcome, target, app }: { outcome: Verified; target: Target; app: UnifiApp }) {
  const { record, check } = outcome
  const info = appInfo(app)
  const name = target.name ?? target.host
  const cameras = check.cameras
  return (
    <>
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
          <dd data-testid="expires">{longDate(record.expiresAt) ?? 'never'}</dd>
        </>
      )}
      <dt>Stored in</dt>
      <dd data-testid="stored-in">
        This computer’s keychain: the {info.credential}
        {record.mode === 'dedicated-user' ? ` and the password of ${record.username}` : ''}. {name} keeps only its own
        copy.
      </dd>
    </>
  )
}

export function DoneStep() {
  const outcome = useWizard((s) => s.outcome)
  const target = useWizard((s) => s.target)
  const app = useWizard((s) => s.app)
  const startOver = useStartOver()
  if (!outcome || !target || !app || outcome.check?.status !== 'ok') {
    return <NothingToShow id="done" onStartOver={startOver} />
  }
  const verified = { ...outcome, check: outcome.check }
  const { check } = verified
  const info = appInfo(app)
  const name = target.name ?? target.host
  const cameras = check.cameras
  return (
    <DoneScreen
      id="done"
      title={`Your ${credentialOf(app)} is ready`}
      verified={
        <>
          {appShort(app)}
          {check.appVersion ? ` ${check.appVersion}` : ''} on {name} accepted it and answered in {check.latencyMs} ms
          {cameras !== undefined ? `; it can see ${cameras} camera${cameras === 1 ? '' : 's'}` : ''}.
        </>
      }
      notes={
        check.warning && (
          <Callout tone="warn" label="What Home Assistant will miss">
            <p data-testid="verify-warning">{check.warning}</p>
          </Callout>
        )
      }
      masked={{
        label: info.credential === 'API key' ? 'Key' : 'Token',
        credential: info.credential,
        value: outcome.maskedKey,
      }}
      facts={<KeyFacts outcome={verified} target={target} app={app} />}
      lead={<DoneLead record={outcome.record} />}
      actions={
        <>
          <button type="button" className="button secondary" onClick={startOver}>
            Make another key
          </button>
          <button type="button" className="button secondary" onClick={() => openView('keys')}>
            See all keys
          </button>
        </>
      }
    />
  )
}
