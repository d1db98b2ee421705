export * from './transport';
export * from './serial';
export * from './tcp';
export * from './ports';
