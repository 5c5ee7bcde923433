export interface Order {
  id: string;
  customerId: string;
  status: 'processing' | 'shipped' | 'delivered' | 'cancelled' | 'refunded';
  items: Array<{ sku: string; name: string; quantity: number; unitPrice: number }>;
  total: number;
  invoiceId: string;
  placedAt: string;
}

export interface Invoice {
  id: string;
  customerId: string;
  orderId: string;
  amount: number;
  currency: 'EUR';
  status: 'paid' | 'due' | 'overdue';
  dueDate: string;
}

export interface Ticket {
  id: string;
  customerId: string;
  subject: string;
  description: string;
  priority: 'low' | 'normal' | 'high';
  orderId: string | null;
  openedAt: string;
}

/** Seed data of the demo: two customers, so that per-user isolation has something to isolate. */
export const SEED_ORDERS: Order[] = [
  { id: 'ORD-1001', customerId: 'alice', status: 'shipped', items: [{ sku: 'KB-01', name: 'Mechanical keyboard', quantity: 1, unitPrice: 89 }], total: 89, invoiceId: 'INV-2001', placedAt: '2026-11-02' },
  { id: 'ORD-1002', customerId: 'alice', status: 'processing', items: [{ sku: 'MS-02', name: 'Wireless mouse', quantity: 2, unitPrice: 25 }], total: 50, invoiceId: 'INV-2002', placedAt: '2026-11-18' },
  { id: 'ORD-1003', customerId: 'bob', status: 'delivered', items: [{ sku: 'MN-27', name: '27" monitor', quantity: 1, unitPrice: 279 }], total: 279, invoiceId: 'INV-2003', placedAt: '2026-10-21' },
];

export const SEED_INVOICES: Invoice[] = [
  { id: 'INV-2001', customerId: 'alice', orderId: 'ORD-1001', amount: 89, currency: 'EUR', status: 'paid', dueDate: '2026-11-16' },
  { id: 'INV-2002', customerId: 'alice', orderId: 'ORD-1002', amount: 50, currency: 'EUR', status: 'due', dueDate: '2026-12-02' },
  { id: 'INV-2003', customerId: 'bob', orderId: 'ORD-1003', amount: 279, currency: 'EUR', status: 'overdue', dueDate: '2026-11-04' },
];
