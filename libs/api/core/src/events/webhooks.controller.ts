import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { Problem } from '../errors/problem.js';
import { ApiPageResponse, PageQuery, type Page } from '../http/pagination.js';
import {
  CreatedWebhookSubscriptionDto,
  CreateWebhookSubscriptionDto,
  EventTypeListDto,
  UpdateWebhookSubscriptionDto,
  WebhookDeliveryDto,
  WebhookDeliveryQuery,
  WebhookSubscriptionDto,
} from './webhooks.dto.js';
import { WebhooksService } from './webhooks.service.js';

@ApiTags('webhooks')
@Controller('v1/webhooks')
@Access({ roles: ['admin'], scopes: ['webhooks:manage'] })
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ApiOperation({ summary: 'List webhook subscriptions (secrets are never shown again)' })
  @ApiPageResponse(WebhookSubscriptionDto)
  @ApiBadRequestResponse({ type: Problem })
  list(@Query() q: PageQuery): Promise<Page<WebhookSubscriptionDto>> {
    return this.webhooks.list(q);
  }

  @Get('event-types')
  @ApiOperation({ summary: 'The events a subscription may receive' })
  @ApiOkResponse({ type: EventTypeListDto })
  eventTypes(): EventTypeListDto {
    return this.webhooks.eventTypes();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook subscription' })
  @ApiOkResponse({ type: WebhookSubscriptionDto })
  @ApiNotFoundResponse({ type: Problem })
  get(@Param('id') id: string): Promise<WebhookSubscriptionDto> {
    return this.webhooks.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Subscribe an endpoint to events; the signing secret is in the answer, once' })
  @ApiCreatedResponse({ type: CreatedWebhookSubscriptionDto })
  @ApiBadRequestResponse({ type: Problem })
  create(@Body() dto: CreateWebhookSubscriptionDto): Promise<CreatedWebhookSubscriptionDto> {
    return this.webhooks.create(dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL, description, events or active flag of a subscription' })
  @ApiOkResponse({ type: WebhookSubscriptionDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  update(@Param('id') id: string, @Body() dto: UpdateWebhookSubscriptionDto): Promise<WebhookSubscriptionDto> {
    return this.webhooks.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a subscription and its delivery log' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ type: Problem })
  remove(@Param('id') id: string): Promise<void> {
    return this.webhooks.remove(id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the signing secret (at once); the new secret is in the answer, once' })
  @ApiOkResponse({ type: CreatedWebhookSubscriptionDto })
  @ApiNotFoundResponse({ type: Problem })
  rotateSecret(@Param('id') id: string): Promise<CreatedWebhookSubscriptionDto> {
    return this.webhooks.rotateSecret(id);
  }

  @Post(':id/ping')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a `ping` event to this subscription only (at the next dispatch, within seconds)' })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ description: 'The subscription is inactive', type: Problem })
  ping(@Param('id') id: string): Promise<WebhookDeliveryDto> {
    return this.webhooks.ping(id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Delivery log of a subscription, newest first' })
  @ApiPageResponse(WebhookDeliveryDto)
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  deliveries(@Param('id') id: string, @Query() q: WebhookDeliveryQuery): Promise<Page<WebhookDeliveryDto>> {
    return this.webhooks.deliveries(id, q);
  }

  @Post('deliveries/:deliveryId/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a failed delivery again (one more attempt, at the next dispatch)' })
  @ApiOkResponse({ type: WebhookDeliveryDto })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ description: 'The delivery already succeeded', type: Problem })
  retry(@Param('deliveryId') deliveryId: string): Promise<WebhookDeliveryDto> {
    return this.webhooks.retry(deliveryId);
  }
}
