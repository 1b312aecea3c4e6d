// seedrandom's Alea module on its own: the generator tfjs-core seeds with String(seed).
declare module 'seedrandom/lib/alea.js' {
  interface AleaPrng {
    /** The next value in [0, 1) with 32 bits (what tfjs-core's samplers call). */
    (): number;
  }
  function alea(seed?: string): AleaPrng;
  export default alea;
}
