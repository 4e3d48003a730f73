// uisp.* and uispKey.*: UISP servers, their API tokens and UISP keys, forwarded to uisp/service.ts.
import type { Handlers } from '../dispatch.ts'
import type { UispService } from '../uisp/service.ts'
import { uispTokenOutcomeView } from '../views.ts'

type UispRequests = Extract<keyof Handlers, `uisp.${string}` | `uispKey.${string}`>

export function uispHandlers(uisp: UispService): Pick<Handlers, UispRequests> {
  return {
    // Most recently seen first.
    'uisp.servers': () => uisp.listServers().sort((a, b) => Date.parse(b.lastSeen) - Date.parse(a.lastSeen)),
    'uisp.probe': ({ address }) => uisp.probe(address),
    'uisp.trust': ({ key, sha256 }) => uisp.trust(key, sha256),
    'uisp.forget': ({ key }) => uisp.forgetServer(key),
    'uisp.signIn': (input) => uisp.signIn(input),
    'uisp.signOut': ({ key }) => uisp.signOut(key),
    'uisp.plan': ({ key }) => uisp.plan(key),
    // Token flows cross without their keychain entry name (views.ts); UISP keys are views already.
    'uisp.createToken': async (input) => uispTokenOutcomeView(await uisp.createToken(input)),
    'uisp.resumeToken': async ({ id }) => uispTokenOutcomeView(await uisp.resumeToken(id)),
    'uisp.listTokens': ({ key }) => uisp.listTokens(key),
    'uisp.revokeToken': ({ key, tokenId }) => uisp.revokeToken(key, tokenId),
    'uispKey.list': () => uisp.listKeys(),
    'uispKey.save': ({ text }) => uisp.saveKey(text),
    'uispKey.fromServer': ({ key }) => uisp.keyFromServer(key),
    'uispKey.check': ({ id }) => uisp.checkKey(id),
    'uispKey.copy': ({ id }) => uisp.copyKey(id),
    'uispKey.forget': ({ id }) => uisp.forgetKey(id),
    'uispKey.registration': ({ id, device }) => uisp.registration(id, device),
    'uispKey.copyRegistration': ({ id, device }) => uisp.copyRegistration(id, device),
  }
}
