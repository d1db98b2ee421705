export { SimulatedTerminal, SIMULATOR_DEVIATIONS, SIMULATOR_CARD_SETS, SIMULATOR_MERCHANTS, isSimulatorDeviation, isSimulatorCardSet, type SimulatorDeviation, type SimulatorCardSet, type SimulatorOptions, type SimulatorSnapshot, type LinkKind } from './terminal';
export { startSimulator, controlCommand, type RunningSimulator, type SimulatorServerOptions } from './server';
export { FAULT_NAMES, FAULT_HELP, isFaultName, parseFaultSpec, type FaultName } from './faults';
