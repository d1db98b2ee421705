/**
 * Serial port discovery. Enumeration depends on the platform (udevadm on Linux, SetupAPI on
 * Windows, IOKit on macOS); where it is missing or fails we answer an empty list and a warning,
 * never a rejection, so a settings screen can still offer a typed-in path.
 */
import { SerialPort } from 'serialport';

export interface DiscoveredPort {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  /** USB vendor id, 4 lower-case hex digits, when the port is a USB adapter. */
  vendorId?: string;
  productId?: string;
  friendlyName?: string;
}

export interface PortDiscovery {
  ports: DiscoveredPort[];
  warning?: string;
}

interface RawPortInfo {
  path: string;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
  friendlyName?: string | undefined;
}

export type PortLister = () => Promise<RawPortInfo[]>;

const defaultLister: PortLister = () => SerialPort.list();

function normalizeId(id: string | undefined): string | undefined {
  if (!id) return undefined;
  const trimmed = id.trim().toLowerCase().replace(/^0x/, '');
  return /^[0-9a-f]{1,4}$/.test(trimmed) ? trimmed.padStart(4, '0') : undefined;
}

export async function listSerialPorts(lister: PortLister = defaultLister): Promise<PortDiscovery> {
  let raw: RawPortInfo[];
  try {
    raw = await lister();
  } catch (error) {
    return { ports: [], warning: `serial ports cannot be enumerated on this system: ${(error as Error)?.message ?? String(error)}` };
  }
  if (!Array.isArray(raw)) return { ports: [], warning: 'serial port enumeration returned no list' };
  const ports = raw
    .filter((info) => typeof info?.path === 'string' && info.path.length > 0)
    .map((info) => {
      const port: DiscoveredPort = { path: info.path };
      if (info.manufacturer) port.manufacturer = info.manufacturer;
      if (info.serialNumber) port.serialNumber = info.serialNumber;
      const vendorId = normalizeId(info.vendorId);
      if (vendorId) port.vendorId = vendorId;
      const productId = normalizeId(info.productId);
      if (productId) port.productId = productId;
      if (info.friendlyName) port.friendlyName = info.friendlyName;
      return port;
    })
    .sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
  return { ports };
}
