export { NonOmaVm, type NonOmaVmOptions, type VpimReceipt } from './non-oma-vm';
export { NON_OMA_VM_FAULTS, type NonOmaVmFault } from './faults';
