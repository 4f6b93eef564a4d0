/**
 * The engine's global generators, like torch.manual_seed: one for parameter initialization and one
 * for dropout masks, kept apart so that a model change never shifts the dropout stream and vice versa.
 */
import { Rng, type RngState } from '../util/rng.js';

let initRng = Rng.forPurpose(0, 'init');
let dropoutRng = Rng.forPurpose(0, 'dropout');

export function manualSeed(seed: number): void {
  initRng = Rng.forPurpose(seed, 'init');
  dropoutRng = Rng.forPurpose(seed, 'dropout');
}

export function getInitRng(): Rng {
  return initRng;
}

export function getDropoutRng(): Rng {
  return dropoutRng;
}

export interface EngineRngState {
  init: RngState;
  dropout: RngState;
}

export function getEngineRngState(): EngineRngState {
  return { init: initRng.getState(), dropout: dropoutRng.getState() };
}

export function setEngineRngState(state: EngineRngState): void {
  initRng.setState(state.init);
  dropoutRng.setState(state.dropout);
}
