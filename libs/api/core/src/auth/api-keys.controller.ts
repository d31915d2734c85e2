import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Problem } from '../errors/problem.js';
import { ApiPageResponse, PageQuery, type Page } from '../http/pagination.js';
import { Access } from './access.decorator.js';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto, ScopeListDto } from './auth.dto.js';
import { ApiKeysService } from './api-keys.service.js';
import { API_SCOPES } from './roles.js';

@ApiTags('api-keys')
@Controller('v1/api-keys')
@Access({ roles: ['admin'] })
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOperation({ summary: 'List API keys (secrets are never shown again)' })
  @ApiPageResponse(ApiKeyDto)
  list(@Query() q: PageQuery): Promise<Page<ApiKeyDto>> {
    return this.keys.list(q);
  }

  @Get('scopes')
  @ApiOperation({ summary: 'The scopes an API key may carry' })
  @ApiOkResponse({ type: ScopeListDto })
  scopes(): ScopeListDto {
    return { scopes: Object.entries(API_SCOPES).map(([scope, description]) => ({ scope, description })) };
  }

  @Post()
  @ApiOperation({ summary: 'Create an API key; the key is in the answer, once' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiBadRequestResponse({ type: Problem })
  create(@Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.keys.create(dto);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key (at once, for good)' })
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiNotFoundResponse({ type: Problem })
  revoke(@Param('id') id: string): Promise<ApiKeyDto> {
    return this.keys.revoke(id);
  }
}
