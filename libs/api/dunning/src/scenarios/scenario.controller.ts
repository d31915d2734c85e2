import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access, Problem } from '@encours/api-core';
import { DeleteScenarioQuery, ScenarioDto, ScenarioInputDto } from './scenario.dto.js';
import { ScenarioService } from './scenario.service.js';

const READERS = ['admin', 'credit_manager', 'collector'] as const;
const WRITERS = ['admin', 'credit_manager'] as const;

const RULES =
  'A customer follows its explicit scenario (customer dunning settings), else the first active scenario by increasing `priority` whose `match` holds (segments, business units, countries; risk grades are not used until customers are graded), else the default scenario. Steps run on day `offsetDays` from the due date of the oldest overdue invoice (negative: before it), strictly increasing.';

@ApiTags('dunning')
@Controller('v1/dunning/scenarios')
export class ScenarioController {
  constructor(private readonly scenarios: ScenarioService) {}

  @Get()
  @Access({ roles: [...READERS], scopes: ['dunning:read'] })
  @ApiOperation({ summary: 'Dunning scenarios with their steps (default first, then by priority)', description: RULES })
  @ApiOkResponse({ type: [ScenarioDto] })
  list(): Promise<ScenarioDto[]> {
    return this.scenarios.list();
  }

  @Get(':id')
  @Access({ roles: [...READERS], scopes: ['dunning:read'] })
  @ApiOperation({ summary: 'One dunning scenario with its steps' })
  @ApiOkResponse({ type: ScenarioDto })
  @ApiNotFoundResponse({ type: Problem })
  get(@Param('id') id: string): Promise<ScenarioDto> {
    return this.scenarios.get(id);
  }

  @Post()
  @Access({ roles: [...WRITERS] })
  @ApiOperation({
    summary: 'Add a dunning scenario',
    description: `${RULES} Each email, SMS, letter and formal-notice step names a template of its channel that exists at least in the tenant's default language.`,
  })
  @ApiCreatedResponse({ type: ScenarioDto })
  @ApiBadRequestResponse({
    type: Problem,
    description:
      'A field is not valid; `errors[].field` names it, e.g. `steps[1].offsetDays` (offsets out of order) or `steps[0].templateCode`',
  })
  create(@Body() dto: ScenarioInputDto): Promise<ScenarioDto> {
    return this.scenarios.create(dto);
  }

  @Put(':id')
  @Access({ roles: [...WRITERS] })
  @ApiOperation({
    summary: 'Change a dunning scenario; its steps are replaced by the list given (in one transaction)',
    description:
      'Optional fields left out keep their value. `isDefault: true` makes it the default (the previous default stops being one); the default cannot be unset directly.',
  })
  @ApiOkResponse({ type: ScenarioDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  update(@Param('id') id: string, @Body() dto: ScenarioInputDto): Promise<ScenarioDto> {
    return this.scenarios.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Access({ roles: [...WRITERS] })
  @ApiOperation({
    summary: 'Delete a dunning scenario',
    description:
      'The default scenario cannot be deleted. A scenario assigned to customers is deleted only with `?reassign=default`.',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem, description: 'Default scenario, or customers assigned to it' })
  remove(@Param('id') id: string, @Query() q: DeleteScenarioQuery): Promise<void> {
    return this.scenarios.remove(id, q.reassign);
  }
}
