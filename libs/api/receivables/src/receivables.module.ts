import { Module } from '@nestjs/common';
import { AllocationService } from './allocations/allocation.service.js';
import { CustomerController } from './customers/customer.controller.js';
import { CustomerService } from './customers/customer.service.js';
import { ExchangeRateController, ExchangeRateService } from './exchange-rates/exchange-rate.controller.js';
import { ImportQueueJob } from './imports/import-queue.job.js';
import { ImportsController } from './imports/imports.controller.js';
import { ImportsService } from './imports/imports.service.js';
import { InvoiceController } from './items/invoice.controller.js';
import { InvoiceService } from './items/invoice.service.js';
import { ReportingController } from './reporting/reporting.controller.js';
import { ReportingService } from './reporting/reporting.service.js';
import { Customer360Controller } from './customer360/customer360.controller.js';
import { Customer360Service } from './customer360/customer360.service.js';
import { CustomerActivityService } from './timeline/customer-activity.service.js';
import { InvoiceOverdueJob, ReceivablesJobsController } from './timeline/invoice-overdue.job.js';
import { InvoiceOverdueService } from './timeline/invoice-overdue.service.js';
import { TimelineController } from './timeline/timeline.controller.js';
import { TimelineService } from './timeline/timeline.service.js';

/** Customers, invoices, credit notes, payments, allocations, exchange rates and ERP imports. */
@Module({
  controllers: [
    CustomerController,
    InvoiceController,
    ExchangeRateController,
    ImportsController,
    TimelineController,
    Customer360Controller,
    ReceivablesJobsController,
    ReportingController,
  ],
  providers: [
    AllocationService,
    CustomerService,
    InvoiceService,
    ExchangeRateService,
    ImportsService,
    ImportQueueJob,
    TimelineService,
    CustomerActivityService,
    Customer360Service,
    InvoiceOverdueService,
    InvoiceOverdueJob,
    ReportingService,
  ],
  exports: [AllocationService, CustomerService, InvoiceService, TimelineService, InvoiceOverdueService, ReportingService],
})
export class ReceivablesModule {}
