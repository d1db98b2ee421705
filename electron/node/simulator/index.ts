export { SimulatedTerminal, SIMULATOR_DEVIATIONS, isSimulatorDeviation, type SimulatorDeviation, type SimulatorOptions, type SimulatorSnapshot, type LinkKind } from './terminal';
export { startSimulator, controlCommand, type RunningSimulator, type SimulatorServerOptions } from './server';
export { FAULT_NAMES, FAULT_HELP, isFaultName, parseFaultSpec, type FaultName } from './faults';
