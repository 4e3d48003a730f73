// The certificate and Done screens both wizard paths share (renderer/src/wizard/CertificateCheck.tsx,
// DoneScreen.tsx), rendered to HTML: first contact asks with the path's wording, a changed
// certificate is shown as a danger (with the old and new fingerprints where the path compares them),
// and the Done screen shows the masked credential, never more.
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { CertificateCheck, type CertificateCheckProps } from '../../renderer/src/wizard/CertificateCheck.tsx'
import { DoneScreen, NothingToShow } from '../../renderer/src/wizard/DoneScreen.tsx'

const OLD = 'AA'.repeat(32)
const NEW = 'BB'.repeat(32)
const probe = (trust: 'first-contact' | 'matches' | 'changed') => ({
  address: { key: '10.0.0.2:443' },
  certificate: {
    sha256: NEW,
    subject: 'CN=server',
    validFrom: '2026-01-01T00:00:00.000Z',
    validTo: '2036-01-01T00:00:00.000Z',
  },
  trust,
})
const wording: CertificateCheckProps['wording'] = {
  missingTitle: 'Choose a server first',
  backToList: 'Back to servers',
  askTitle: 'Is this your server?',
  changedTitle: 'The certificate of this server has changed',
  lead: 'Compare the fingerprint.',
  changedWarning: 'Someone may be intercepting the connection.',
  trustThis: 'Trust this server',
  howToCompare: 'Open it in a browser.',
}
const render = (props: Partial<CertificateCheckProps>) =>
  renderToStaticMarkup(
    createElement(CertificateCheck, {
      id: 'trust',
      probe: probe('first-contact'),
      busy: false,
      error: null,
      wording,
      facts: null,
      onAccept: () => {},
      onBack: () => {},
      ...props,
    }),
  )

describe('the shared certificate screen', () => {
  it('first contact asks with the path’s wording and shows the fingerprint to compare', () => {
    const html = render({})
    expect(html).toContain('Is this your server?')
    expect(html).toContain('Trust this server')
    expect(html).toContain('data-testid="trust-fingerprint"')
    expect(html).not.toContain('role="alert"')
  })

  it('a changed certificate is a danger screen that never offers the first-contact button', () => {
    const html = render({ probe: probe('changed') })
    expect(html).toContain('The certificate of this server has changed')
    expect(html).toContain('role="alert"')
    expect(html).toContain('Trust the new certificate')
    expect(html).not.toContain('Trust this server')
  })

  it('where the path compares, the certificate trusted before stands next to the new one', () => {
    const html = render({ probe: probe('changed'), comparison: { before: OLD, howToCompare: 'Compare them.' } })
    expect(html).toContain('data-testid="previous-fingerprint"')
    expect(html).toContain('Trusted before')
    expect(html).toContain('Back to servers')
  })

  it('with no server chosen it only leads back to the list', () => {
    const html = render({ probe: null })
    expect(html).toContain('Choose a server first')
    expect(html).toContain('Back to servers')
    expect(html).not.toContain('trust-fingerprint')
  })
})

describe('the shared Done screen', () => {
  it('shows the verified sentence and the masked credential only', () => {
    const html = renderToStaticMarkup(
      createElement(DoneScreen, {
        id: 'uisp-done',
        title: 'Your UISP token is ready',
        verified: 'UISP accepted it.',
        masked: { label: 'Token', credential: 'token', value: 'd5b6…e52f' },
        facts: null,
        after: null,
        actions: null,
      }),
    )
    expect(html).toContain('<strong>Verified.</strong> UISP accepted it.')
    expect(html).toContain('d5b6…e52f')
    expect(html).toContain('the full token stays in the keychain')
  })

  it('with nothing verified it offers to start over', () => {
    const html = renderToStaticMarkup(createElement(NothingToShow, { id: 'done', onStartOver: () => {} }))
    expect(html).toContain('Nothing to show yet')
    expect(html).toContain('Start over')
  })
})
