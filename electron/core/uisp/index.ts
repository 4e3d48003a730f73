// UISP: sign in, mint and verify API tokens, and handle the UISP key safely
// (uisp.md). Pure Node; never imports electron.
export { checkUispKey, fetchUispKey, type UispKeyCheckOptions } from './connection.ts'
export { UISP_API } from './http.ts'
export {
  maskUispKey,
  parseUispKey,
  sameUispKey,
  UISP_AES_KEY_LENGTH,
  UISP_KEY_DEFAULT_PORT,
  UISP_KEY_MAX_LENGTH,
  UISP_KEY_OPTIONS,
  type UispCertificatePolicy,
  type UispKey,
  type UispKeyError,
  type UispKeyErrorCode,
  type UispKeyOption,
  type UispKeyParse,
  type UispKeyWarning,
  type UispKeyWarningCode,
} from './key.ts'
export {
  newUispTokenProvision,
  runUispTokenProvision,
  suggestUispTokenName,
  uispMarker,
  UispProvisionFailure,
  type UispProvisionDeps,
  type UispStepState,
  type UispTokenJournal,
  type UispTokenRecord,
  type UispTokenRequest,
} from './provision.ts'
export {
  firmwareNumber,
  registrationCommands,
  UISP_KEY_PLACEHOLDER,
  UISP_MINIMUM_FIRMWARE,
  type RegistrationCommands,
  type RegistrationResult,
  type UispDevice,
  type UispDeviceKind,
} from './registration.ts'
export {
  fetchUispVersion,
  twoFactorExpiry,
  UispSession,
  UispTokenCaller,
  type UispCaller,
  type UispCredentials,
  type UispLoginOutcome,
  type UispReply,
  type UispSessionOptions,
  type UispTarget,
  type UispUser,
  type UispVersion,
} from './session.ts'
export {
  createUispToken,
  getUispToken,
  leastScopeFor,
  listUispTokens,
  revokeUispToken,
  scopeCovers,
  tokenNameProblem,
  UISP_SCOPES,
  UISP_TOKEN_META_MAX,
  UISP_TOKEN_NAME_MAX,
  UISP_TOKEN_PURPOSES,
  type CreateUispTokenRequest,
  type NewUispToken,
  type UispScope,
  type UispTokenInfo,
  type UispTokenPurpose,
} from './tokens.ts'
export * from './types.ts'
export { DEFAULT_UISP_EXPIRY_LEAD_DAYS, uispExpiry, verifyUispToken, type UispVerifyOptions } from './verify.ts'
