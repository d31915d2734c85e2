import { Module } from '@nestjs/common';
import { AllocationService } from './allocations/allocation.service.js';
import { CustomerController } from './customers/customer.controller.js';
import { CustomerService } from './customers/customer.service.js';
import { ExchangeRateController, ExchangeRateService } from './exchange-rates/exchange-rate.controller.js';
import { ImportsController } from './imports/imports.controller.js';
import { ImportsService } from './imports/imports.service.js';
import { InvoiceController } from './items/invoice.controller.js';
import { InvoiceService } from './items/invoice.service.js';

/** Customers, invoices, credit notes, payments, allocations, exchange rates and ERP imports. */
@Module({
  controllers: [CustomerController, InvoiceController, ExchangeRateController, ImportsController],
  providers: [AllocationService, CustomerService, InvoiceService, ExchangeRateService, ImportsService],
  exports: [AllocationService, CustomerService, InvoiceService],
})
export class ReceivablesModule {}
