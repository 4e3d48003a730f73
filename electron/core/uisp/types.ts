// Result types of the UISP client: plain data shared with the renderer, so
// they live in shared/domain.ts (a UISP token check is a KeyCheck with `app: 'uisp'`).
export type {
  UispExpiry,
  UispKeyCheck,
  UispKeyCheckFailed,
  UispKeyCheckOk,
  UispKeyProblem,
  UispTokenCheck,
  UispTokenCheckFailed,
  UispTokenCheckOk,
  UispTokenProblem,
} from '../../../shared/domain.ts'
