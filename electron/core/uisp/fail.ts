// The builder every UISP check uses for its failed answer: a problem, the sentence, the next step, and
// what else that check's failure carries (the certificate seen, …). One shape for the UISP key check
// (connection.ts) and the token check (verify.ts).
export type FailWith<Problem extends string, Failed, Result = Failed> = (
  problem: Problem,
  message: string,
  nextStep: string,
  extra?: Partial<Failed>,
) => Result
