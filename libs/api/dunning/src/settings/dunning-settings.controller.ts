import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, Problem } from '@encours/api-core';
import { DunningSettingsDto, UpdateDunningSettingsDto } from './dunning-settings.dto.js';
import { DunningSettingsService } from './dunning-settings.service.js';

@ApiTags('dunning')
@Controller('v1/dunning/settings')
export class DunningSettingsController {
  constructor(private readonly settings: DunningSettingsService) {}

  @Get()
  @Access({ roles: ['admin', 'credit_manager'] })
  @ApiOperation({
    summary: 'Dunning settings: daily run, email and SMS sending, company identity printed on letters',
    description:
      'The SMTP password and the SMS gateway token are never returned: `smtpPasswordSet` and `smsHttpTokenSet` say whether they are stored.',
  })
  @ApiOkResponse({ type: DunningSettingsDto })
  get(): Promise<DunningSettingsDto> {
    return this.settings.read();
  }

  @Put()
  @Access({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Change the dunning settings',
    description:
      'Fields left out keep their value; `null` clears an optional field. `smtpPassword` and `smsHttpToken` are write-only: a value sets them, `null` removes them. `smsProvider: http` needs `smsHttpUrl`; switching to SMTP needs `smtpHost`.',
  })
  @ApiOkResponse({ type: DunningSettingsDto })
  @ApiBadRequestResponse({ type: Problem, description: 'A field is not valid (`errors[].field` names it)' })
  update(@Body() dto: UpdateDunningSettingsDto): Promise<DunningSettingsDto> {
    return this.settings.update(dto);
  }
}
