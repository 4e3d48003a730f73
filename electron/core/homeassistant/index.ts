// Home Assistant: one click from a verified key to a loaded integration entry
// (home-assistant.md). Pure Node; never imports electron.
export {
  connectHomeAssistant,
  HomeAssistantClient,
  normalizeBaseUrl,
  onboardingState,
  NOT_ADMIN_MESSAGE,
  type HaConnectOptions,
} from './client.ts'
export { copyFields, hasProtectMenu, type CopyField, type CopyFieldsPlan, type CopyFieldsRequest } from './copy.ts'
export { describeAbort, describeFormError, formErrorsFailure, minimumProtectVersion } from './errors.ts'
export {
  DOMAIN_FOR_APP,
  pushAccessToken,
  pushKey,
  pushProtectKey,
  type AccessPush,
  type ProtectPush,
  type PushRequest,
} from './flows.ts'
export { probeNetworkFit, pushNetworkKey, UPGRADE_MESSAGE, type NetworkFit, type NetworkPush } from './network.ts'
export { classifyEntry, readHealth, type HealthReport } from './health.ts'
export { HaCommandError, HaSocket } from './ws.ts'
export * from './types.ts'
