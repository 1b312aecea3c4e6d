// seedrandom's Tyche-i module on its own (the package index loads all seven generators).
declare module 'seedrandom/lib/tychei.js' {
  interface TycheiState {
    a: number;
    b: number;
    c: number;
    d: number;
  }
  interface TycheiPrng {
    (): number;
    double(): number;
    int32(): number;
    quick(): number;
    state(): TycheiState;
  }
  function tychei(seed?: string | number, options?: { state?: boolean | TycheiState }): TycheiPrng;
  export default tychei;
}
